"""Score every staff turn of a real call with the trainer's scorer, against the patient's turn before it.

The original words are scored (a redacted date is still a date to the scorer); what
comes out holds only redacted text, with every evidence span moved onto it and every
reason scrubbed, so nothing unredacted reaches the window, the terminal or the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..domain import MAX_REPLY_CHARS, ROLES, CallState, DimensionScore, Score
from ..scoring import RUBRIC_VERSION, ScoreContext, Scorer
from ..scoring.compliance import DEFAULT_RULES
from ..scoring.moves import patient_cues
from ..scoring.session_score import SessionScore, combine
from ..scoring.text import rx
from .decode import TranscriptError
from .parse import PATIENT_WORDS, ROLE_WORDS, STAFF_WORDS, Transcript
from .redact import KINDS, STOP_WORDS, Redacted, Redactor

_GENERIC = (
    ROLE_WORDS
    | STAFF_WORDS
    | PATIENT_WORDS
    | STOP_WORDS
    | {"speaker", "spk", "unknown", "person", "participant", "channel", "voice", "party", "other", "line"}
)
# What a staff member says and a patient rarely does, to tell "Speaker 1" from "Speaker 2".
_STAFF_SPEECH = rx(
    r"\bthank you for calling\b",
    r"\bhow (?:can|may) i (?:help|assist)\b",
    r"\bcalling from\b",
    r"\b(?:this is|my name is) \w+(?: \w+)? (?:from|with|in|at) (?:the )?[\w ]{0,30}"
    r"(?:billing|hospital|patient|financial|business|office|medical|clinic|accounts?)\b",
    r"\bthis call (?:may|is|will) be (?:recorded|monitored)\b",
    r"\b(?:can|could|may) i (?:have|get|verify|confirm) your (?:full name|date of birth|name)\b",
    r"\b(?:pull|pulled|bring|brought|have) up (?:your|the) account\b",
    r"\bon your account\b",
)

Progress = Callable[[int, int], None]  # (staff turns scored, staff turns in all); may raise to stop


@dataclass(frozen=True)
class ReviewedTurn:
    index: int
    speaker: str  # the label, redacted
    staff: bool
    text: str  # redacted
    line: int  # where the turn starts in the file
    redacted: Redacted
    score: Score | None = None  # staff turns only; its spans index `text`

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "speaker": self.speaker,
            "staff": self.staff,
            "text": self.text,
            "line": self.line,
            "redactions": [{"kind": r.kind, "start": r.start, "end": r.end} for r in self.redacted.redactions],
            "score": self.score.to_dict() if self.score else None,
        }


@dataclass
class Review:
    source: str  # the file's name, redacted
    format: str
    role: str
    staff: list[str]  # the staff speakers' labels, redacted
    turns: list[ReviewedTurn]
    notices: list[str] = field(default_factory=list)
    rubric_version: str = RUBRIC_VERSION

    @property
    def staff_turns(self) -> list[ReviewedTurn]:
        return [t for t in self.turns if t.staff]

    def summary(self) -> SessionScore:
        return combine([t.score for t in self.staff_turns if t.score], self.rubric_version)

    def redaction_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self.turns:
            for r in t.redacted.redactions:
                counts[r.kind] = counts.get(r.kind, 0) + 1
        return {k: counts[k] for k in KINDS if k in counts}

    def to_dict(self) -> dict[str, Any]:
        s = self.summary()
        return {
            "source": self.source,
            "format": self.format,
            "role": self.role,
            "staff": self.staff,
            "rubric_version": self.rubric_version,
            "notices": self.notices,
            "summary": {**s.as_dict(), "turns": s.turns, "blockers": sorted({b.rule_id for b in s.blockers})},
            "redactions": self.redaction_counts(),
            "turns": [t.to_dict() for t in self.turns],
        }


def guess_staff(transcript: Transcript) -> tuple[list[str], str | None]:
    """The staff speakers' labels, and a notice when they were guessed from what was said rather than the labels."""
    speakers = transcript.speakers
    by_label = [s for s in speakers if _words(s) & STAFF_WORDS and not _patient_label(s)]
    if by_label:
        return by_label, None
    hits = {s: 0 for s in speakers}
    for t in transcript.turns:
        hits[t.speaker] += len(_STAFF_SPEECH.findall(t.text))
    ranked = sorted(hits.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return [ranked[0][0]], "guessed from what they said"
    return [], None


def review_transcript(
    transcript: Transcript,
    staff: str | None = None,
    role: str = "hospital_billing",
    names: Iterable[str] = (),
    scorer: Scorer | None = None,
    progress: Progress | None = None,
) -> Review:
    """Redact and score the call. Raises TranscriptError when no staff turns can be found."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    redactor = call_redactor(transcript, names)
    staff_labels, how = _staff(transcript, staff, redactor)
    scorer = scorer or Scorer()
    rules = frozenset(DEFAULT_RULES[role])
    # every turn is redacted before any is scored, so a reason is scrubbed of all the call's details
    redactions = [redactor.redact(t.text, transcript.turns[i - 1].text if i else "") for i, t in enumerate(transcript.turns)]
    state, asked_identity, patient_line = CallState(), False, ""
    total = sum(t.speaker in staff_labels for t in transcript.turns)
    done = 0
    turns: list[ReviewedTurn] = []
    for i, (t, redacted) in enumerate(zip(transcript.turns, redactions)):
        is_staff = t.speaker in staff_labels
        score = None
        if is_staff:
            raw = scorer.score(t.text, ScoreContext(patient_line, role, rules, state, None))
            score = _onto_redacted(raw, redacted, redactor)
            state = state.updated(
                first_turn=False,
                mini_miranda_given=state.mini_miranda_given or "gave_mini_miranda" in raw.moves,
                assistance_offered=state.assistance_offered or "offered_financial_assistance" in raw.moves,
                interpreter_offered=state.interpreter_offered or "offered_interpreter" in raw.moves,
            )
            asked_identity = asked_identity or "verified_identity" in raw.moves
            patient_line = ""
            done += 1
            if progress:
                progress(done, total)
        else:
            patient_line = f"{patient_line} {t.text}".strip()[-MAX_REPLY_CHARS:]  # a practice line is never longer
            # A real call has no scenario to say so: identifiers given after staff asked for them (or a date of
            # birth given unasked) verify the caller, and hardship once voiced stays voiced, as in a practice call.
            gave_dob = any(r.kind == "date_of_birth" for r in redacted.redactions)
            state = state.updated(
                identity_verified=state.identity_verified or asked_identity or gave_dob,
                hardship_voiced=state.hardship_voiced or "hardship" in patient_cues(t.text),
            )
        turns.append(ReviewedTurn(i, redactor.scrub(t.speaker), is_staff, redacted.text, t.line, redacted, score))
    notices = [redactor.scrub(n) for n in transcript.notices]
    shown = [redactor.scrub(s) for s in staff_labels]
    if how:
        notices.append(f"The staff speaker ({', '.join(shown)}) was {how}; name another with --staff if that is wrong.")
    return Review(source_name(transcript.name, redactor), transcript.format, role, shown, turns, notices, scorer.rubric_version)


def source_name(name: str, redactor: Redactor) -> str:
    """The file's name as it may be kept: names redacted (with _ read as a space), every run of digits a #."""
    return re.sub(
        r"\[[A-Z]+(?: \d+)?\]|\d+",
        lambda m: m.group(0) if m.group(0).startswith("[") else "#",
        redactor.scrub(name.replace("_", " ")),
    )


def call_redactor(transcript: Transcript, names: Iterable[str] = ()) -> Redactor:
    """A redactor for this call: the names given, speaker labels that are names, and names said in the call."""
    redactor = Redactor(names)
    for label in transcript.speakers:
        words = re.findall(r"[^\W\d_][\w'\u2019-]*", label)
        name = " ".join(w for w in words if re.sub(r"['\u2019]s$", "", w.lower()) not in _GENERIC)
        if name:
            redactor.add_name(name)
    for t in transcript.turns:
        redactor.learn(t.text)
    return redactor


def _staff(transcript: Transcript, staff: str | None, redactor: Redactor) -> tuple[list[str], str | None]:
    """The staff labels; a message lists the speakers redacted, and --staff may name one either way."""
    speakers = transcript.speakers
    listed = ", ".join(redactor.scrub(s) for s in speakers)
    if staff:
        wanted = " ".join(staff.split()).lower()
        match = [s for s in speakers if wanted in (s.lower(), redactor.scrub(s).lower())]
        if not match:
            raise TranscriptError(transcript.name, f"no speaker is labelled {staff!r}; the speakers are: {listed}")
        return match, None
    found, how = guess_staff(transcript)
    if not found:
        raise TranscriptError(
            transcript.name,
            "no staff turns: no speaker is labelled as staff (agent, rep, staff, "
            f"billing …) and what they said does not tell. The speakers are: {listed}. "
            "Name the staff speaker (--staff LABEL).",
        )
    if len(found) == len(speakers) and len(speakers) > 1:
        raise TranscriptError(
            transcript.name, f"every speaker looks like staff ({listed}); name the staff speaker (--staff LABEL)."
        )
    return found, how


def _words(label: str) -> set[str]:
    return set(re.findall(r"[a-z]+", label.lower()))


def _patient_label(label: str) -> bool:
    words = _words(label)
    return bool(words & PATIENT_WORDS) and not (
        {"customer", "service"} <= words
        or {"patient", "access"} <= words
        or {"patient", "financial"} <= words
        or {"patient", "accounts"} <= words
    )


def _onto_redacted(score: Score, redacted: Redacted, redactor: Redactor) -> Score:
    """The score with its spans on the redacted text and any words it quotes scrubbed."""

    def dim(d: DimensionScore) -> DimensionScore:
        return replace(
            d,
            evidence=[
                replace(e, start=a, end=b, reason=redactor.scrub(e.reason))
                for e in d.evidence
                for a, b in [redacted.map_span(e.start, e.end)]
            ],
            suggestion=redactor.scrub(d.suggestion),
            reasons=[redactor.scrub(r) for r in d.reasons],
        )

    blockers = [replace(b, start=a, end=e) for b in score.blockers for a, e in [redacted.map_span(b.start, b.end)]]
    return replace(
        score,
        empathy=dim(score.empathy),
        clarity=dim(score.clarity),
        compliance=dim(score.compliance),
        blockers=blockers,
        notices=[redactor.scrub(n) for n in score.notices],
    )
