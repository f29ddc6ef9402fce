"""Turns of a real call from a transcript file: "Speaker: text" lines, WebVTT, SRT, or a CSV of speaker,text.

Consecutive lines or cues by one speaker are one turn. Nothing here redacts: the
turns stay in memory until review.score has redacted them.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .decode import TranscriptError, decode, read_bytes

MAX_TURNS = 2000  # a several-hour call; scoring them all takes seconds
MAX_LABEL = 40
FORMATS = ("text", "webvtt", "srt", "csv")

# Words in brackets that are sounds, not speakers.
_NOISE = {
    "inaudible",
    "crosstalk",
    "laughter",
    "laughs",
    "laughing",
    "music",
    "silence",
    "pause",
    "noise",
    "hold",
    "background noise",
    "unintelligible",
    "overlapping",
    "hold music",
    "beep",
    "ringing",
    "ring",
    "typing",
    "sighs",
    "coughs",
    "applause",
    "blank_audio",
    "no audio",
    "static",
    "on hold",
}
# Label words that mark the hospital's side of the call, and the patient's.
STAFF_WORDS = {
    "agent",
    "rep",
    "representative",
    "staff",
    "billing",
    "biller",
    "collector",
    "collections",
    "counselor",
    "counsellor",
    "advocate",
    "specialist",
    "cashier",
    "registrar",
    "registration",
    "csr",
    "associate",
    "operator",
    "supervisor",
    "navigator",
    "coordinator",
    "employee",
    "office",
    "hospital",
    "clinic",
    "service",
    "services",
    "desk",
    "trainee",
    "scheduler",
    "business",
    "financial",
    "support",
}

PATIENT_WORDS = {
    "patient",
    "caller",
    "customer",
    "client",
    "guarantor",
    "consumer",
    "debtor",
    "member",
    "spouse",
    "husband",
    "wife",
    "mother",
    "father",
    "mom",
    "dad",
    "son",
    "daughter",
    "parent",
    "guardian",
    "family",
    "relative",
    "caregiver",
}

# A label word that says who is speaking; a label that holds one is taken as a speaker even if it appears once.
ROLE_WORDS = STAFF_WORDS | PATIENT_WORDS | {"doctor", "nurse", "interpreter", "speaker"}

_TIMING = re.compile(r"^\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->")
_STAMP = re.compile(r"^\s*[\[(]?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?[\])]?\s*(?:[-\u2013|]\s*)?")
_VOICE = re.compile(r"^\s*(?:-|>>)?\s*<v(?:\.[\w.-]{0,40})?\s+([^>\n]{1,40})>(.*)$")
_BRACKET = re.compile(r"^\s*(?:-|>>)?\s*\[([^\]\n]{1,40})\]\s*:?\s*(.*)$")
_COLON = re.compile(r"^\s*(?:-|>>)?\s*([A-Za-z\u00c0-\u024f][\w .'\u2019&/()#-]{0,39}?)\s*:(?!//)\s*(.*)$")
# "Jane Doe  0:03" on a line of its own (Otter and similar exports), the words on the lines after
_NAME_STAMP = re.compile(r"^\s*([A-Za-z\u00c0-\u024f][\w .'\u2019-]{0,39}?)\s{1,4}(?:\d{1,2}:)?\d{1,2}:\d{2}\s*$")
_DASH = re.compile(r"^\s*(?:-|>>)\s+")  # a subtitle's mark of a new line of speech
_TAG = re.compile(r"</?(?:[a-zA-Z][^>\n]{0,40}|\d[\d:.]{3,15})>|\{\\[^}\n]{0,40}\}")


@dataclass(frozen=True)
class Utterance:
    speaker: str  # the label as first written in the file
    text: str
    line: int  # the file line where the turn starts


@dataclass
class Transcript:
    name: str  # the file's name, for messages (not its folder)
    format: str
    turns: list[Utterance]
    notices: list[str] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Each speaker's label, in order of first appearance."""
        return list(dict.fromkeys(t.speaker for t in self.turns))


def read_transcript(path: Path | str) -> Transcript:
    path = Path(path)
    return parse_transcript(read_bytes(path), path.name)


def parse_transcript(data: bytes, name: str) -> Transcript:
    text, notices = decode(data, name)
    fmt = detect_format(text, name)
    lines = text.split("\n")
    if fmt == "csv":
        segments = _csv_segments(text, name)
    elif fmt in ("webvtt", "srt"):
        segments = _cue_segments(lines)
    else:
        segments = _text_segments(lines)
    turns, more = _merge(segments, name)
    if not turns:
        raise TranscriptError(name, "has speaker labels but no words after them")
    if len(turns) > MAX_TURNS:
        raise TranscriptError(
            name,
            f"has {len(turns):,} turns; the most a review scores is {MAX_TURNS:,}. Split the call into parts.",
            turns[MAX_TURNS].line,
        )
    return Transcript(name, fmt, turns, notices + more)


def detect_format(text: str, name: str) -> str:
    head = text.lstrip()
    suffix = Path(name).suffix.lower()
    if head[:6].upper() == "WEBVTT" or suffix == ".vtt":
        return "webvtt"
    if suffix == ".srt" or any(_TIMING.match(line) for line in head.split("\n", 12)[:12]):
        return "srt"
    if suffix == ".csv":
        return "csv"
    first = head.split("\n", 1)[0].lower()
    if "," in first and _columns(next(csv.reader([first]), [])) is not None:
        return "csv"
    return "text"


# segments: (label or None for a line that carries on the last speaker's turn, text, line, explicit label syntax)
Segment = tuple[str | None, str, int, bool]


def split_label(line: str) -> tuple[str | None, str, bool]:
    """(label, rest, explicit): the label is None when the line carries on the turn before."""
    m = _NAME_STAMP.match(line)
    if m:
        return " ".join(m.group(1).split()), "", False
    for pattern, explicit in ((_VOICE, True), (_BRACKET, False), (_COLON, False)):
        m = pattern.match(line)
        if m:
            label = " ".join(m.group(1).split()).strip(" -")
            if label and label.lower() not in _NOISE and len(label.split()) <= 4 and not label.isdigit():
                return label, (m.group(2) or "").strip(), explicit
    return None, _DASH.sub("", line).strip(), False


def _text_segments(lines: list[str]) -> list[Segment]:
    segments: list[Segment] = []
    for number, raw in enumerate(lines, 1):
        line = _STAMP.sub("", raw, count=1) if raw.strip() else ""
        if line.strip():
            label, rest, explicit = split_label(line)
            segments.append((label, rest, number, explicit))
    return segments


def _cue_segments(lines: list[str]) -> list[Segment]:
    """Cue text of WebVTT or SRT: blocks split by blank lines; the lines after a block's timing line are spoken."""
    segments: list[Segment] = []
    block: list[tuple[int, str]] = []
    for number, raw in enumerate(lines + [""], 1):
        if raw.strip():
            block.append((number, raw))
            continue
        timing = next((i for i, (_, line) in enumerate(block) if "-->" in line), None)
        first = block[0][1].strip().upper() if block else ""
        if timing is not None:
            payload = block[timing + 1 :]
        elif first.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            payload = []
        else:
            payload = block  # cue text that ran over a blank line
        for n, line in payload:
            voice = _VOICE.match(line)
            if voice:  # <v Agent>words</v>: the tags go after the voice is read
                segments.append((" ".join(voice.group(1).split()), html.unescape(_strip_tags(voice.group(2))).strip(), n, True))
            else:
                label, rest, explicit = split_label(html.unescape(_strip_tags(line)))
                segments.append((label, rest, n, explicit))
        block = []
    return segments


def _strip_tags(line: str) -> str:
    return _TAG.sub("", line)


def _columns(header: list[str]) -> tuple[int, int] | None:
    names = [h.strip().lower() for h in header]
    speaker = next((i for i, h in enumerate(names) if h in ("speaker", "role", "party", "participant", "who", "channel")), None)
    text = next((i for i, h in enumerate(names) if h in ("text", "utterance", "transcript", "message", "content", "words")), None)
    return (speaker, text) if speaker is not None and text is not None else None


def _csv_segments(text: str, name: str) -> list[Segment]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # an unclosed quote is an error, not one long cell
    try:
        header = next(reader)
        cols = _columns(header)
        if cols is None:
            raise TranscriptError(
                name,
                f"is a CSV file, but its first row names no 'speaker' and 'text' columns (it has {len(header)} column(s))",
                1,
            )
        need = max(cols) + 1
        segments: list[Segment] = []
        start = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) < need:
                    raise TranscriptError(
                        name, f"this row has {len(row)} column(s); the speaker and text columns need {need}", start
                    )
                label = " ".join(row[cols[0]].split())[:MAX_LABEL] or None
                segments.append((label, " ".join(row[cols[1]].split()), start, True))
            start = reader.line_num + 1
    except csv.Error as e:
        raise TranscriptError(name, f"is not readable CSV ({e})", reader.line_num or None) from e
    return segments


def _merge(segments: list[Segment], name: str) -> tuple[list[Utterance], list[str]]:
    """Accept labels that look like speakers, then join consecutive pieces by one speaker into turns."""
    counts: dict[str, int] = {}
    for label, _, _, _ in segments:
        if label is not None:
            counts[label.lower()] = counts.get(label.lower(), 0) + 1
    accepted = {key for key, n in counts.items() if n > 1 or set(re.findall(r"[a-z]+", key)) & ROLE_WORDS}
    accepted |= {label.lower() for label, _, _, explicit in segments if label is not None and explicit}
    if not accepted:
        accepted = set(counts)  # a two-line call: take the labels there are
    if not accepted:
        first = segments[0][2] if segments else None
        raise TranscriptError(
            name,
            "has no speaker labels. Write each turn as 'Agent: …' or 'Patient: …' "
            "(or use WebVTT <v Agent> tags or a CSV with speaker,text columns)",
            first,
        )
    shown: dict[str, str] = {}
    turns: list[list[Any]] = []  # [speaker, pieces, line]
    unlabelled: list[int] = []
    for label, text, line, _ in segments:
        if label is not None and label.lower() not in accepted:
            text, label = f"{label}: {text}".strip(), None  # "Well here's the thing: …" is speech, not a speaker
        if label is not None:
            speaker = shown.setdefault(label.lower(), label)
            if turns and turns[-1][0] == speaker:
                turns[-1][1].append(text)
            else:
                turns.append([speaker, [text], line])
        elif turns:
            turns[-1][1].append(text)
        else:
            unlabelled.append(line)  # words before the first label have no speaker: left out, and said so
    out = [Utterance(s, " ".join(p for p in pieces if p).strip(), line) for s, pieces, line in turns]
    notices = (
        [f"{_lines(unlabelled)} came before the first speaker label and {'were' if len(unlabelled) > 1 else 'was'} left out."]
        if unlabelled
        else []
    )
    return [u for u in out if u.text], notices


def _lines(numbers: list[int]) -> str:
    return f"Line {numbers[0]}" if len(numbers) == 1 else f"Lines {numbers[0]}-{numbers[-1]}"
