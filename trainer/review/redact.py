"""Redaction of a call transcript: names, dates (of birth or any), card, Social Security, account, record and phone
numbers, emails and addresses are replaced by placeholders such as "[NAME 1]" or "[DOB]".

A Redactor is shared by every turn of one call, so a name heard once ("my name is Ana
Diaz") is redacted wherever it is said, and one person keeps one number. Each redaction
records its kind and its span in both texts, so a window can highlight it and a score's
evidence spans can be moved onto the redacted text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import patterns as P

# kind -> (placeholder word, one of them, several of them), for people
KINDS: dict[str, tuple[str, str, str]] = {
    "card": ("CARD", "a card number or code", "card numbers or codes"),
    "ssn": ("SSN", "a Social Security number", "Social Security numbers"),
    "email": ("EMAIL", "an email address", "email addresses"),
    "mrn": ("MRN", "a medical record number", "medical record numbers"),
    "account": ("ACCOUNT", "an account, policy or claim number", "account, policy or claim numbers"),
    "phone": ("PHONE", "a phone number", "phone numbers"),
    "date_of_birth": ("DOB", "a date of birth", "dates of birth"),
    "date": ("DATE", "a date", "dates"),
    "address": ("ADDRESS", "an address", "addresses"),
    "number": ("NUMBER", "an identifying number", "identifying numbers"),
    "name": ("NAME", "a name", "names"),
}
_PRIORITY = {kind: i for i, kind in enumerate(KINDS)}  # where two findings overlap, the earlier kind names the union
MAX_NAMES = 500
MAX_NAME_CHARS = 80
MAX_SCRUBBED = 120  # longer findings (a run of numbers) are not looked for in a score's short reasons

# Words that end a name or show that what follows "this is" is no name.
STOP_WORDS = set(
    """
a an the and or but so from with at in on of to for by as calling here there just not going sorry afraid glad happy sure
trying about really very still also your my his her their our its it that this what who whom is was be been being
speaking ok okay yes yeah no hi hello hey well um uh er actually only looking wondering talking concerned worried
confused upset frustrated fine good great sir maam ma'am madam mister miss mr mrs ms mx dr doctor nurse patient agent
rep representative staff billing biller collector counselor advocate specialist supervisor caller customer client
hospital medical center centre clinic health healthcare department office insurance services service general regional
memorial saint st group associates partners collections collection agency bank company inc llc financial business
accounts account care family support team desk front line the monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december medicare medicaid aetna cigna
humana blue cross shield united anthem kaiser calling returning following back again now today tomorrow yesterday
having doing getting making taking trying able unable new old one two three dear please thanks thank
""".split()
)
ORG_WORDS = set(
    """
hospital medical center centre clinic health healthcare department office insurance services service general regional
memorial group associates partners collections collection agency bank company inc llc financial business billing
""".split()
)
# Names that are also everyday words: matched only as written with a capital, never "bill" for Bill.
_EVERYDAY = set(
    """
bill will sue pat mark may june april august grace hope faith joy dawn rose frank rich penny jack ray drew chase wade
guy dean gene art don ed al bob rob sandy holly ivy lily iris pearl ruby amber crystal summer autumn robin cliff glen
max miles price lane hunter carter mason young king white brown black green gray grey long little wood hill banks cash
bond law rock star sky river stone page bishop major noble sterling gay
""".split()
)
_APOSTROPHE_END = r"(?!\w)(?!['\u2019](?!s\b)\w)"  # "Ana's" is Ana; "don't" is not Don


@dataclass(frozen=True)
class Redaction:
    kind: str
    start: int  # the placeholder, in the redacted text
    end: int
    source_start: int  # what it replaced, in the original text
    source_end: int


@dataclass(frozen=True)
class Redacted:
    text: str
    redactions: tuple[Redaction, ...]

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the original text, on the redacted text (a span reaching into a redaction covers its placeholder)."""
        s = self._map(start, True)
        return s, max(s, self._map(end, False))

    def _map(self, pos: int, is_start: bool) -> int:
        out = pos
        for r in self.redactions:
            if (r.source_start <= pos < r.source_end) if is_start else (r.source_start < pos <= r.source_end):
                return r.start if is_start else r.end
            if pos < r.source_end:
                break
            out = pos - r.source_end + r.end
        return out


def describe_counts(counts: dict[str, int]) -> str:
    """{"name": 4, "card": 1} -> "4 names, 1 card number or code"."""
    return ", ".join(f"{n} {KINDS[k][2] if n > 1 else KINDS[k][1].split(' ', 1)[1]}" for k, n in counts.items())


def luhn(digits: str) -> bool:
    """The card-number checksum (ISO/IEC 7812): every second digit from the right doubled."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def name_candidate(raw: str, after: str = "") -> str | None:
    """The name at the start of raw ("Ana Diaz from billing" -> "Ana Diaz"), or None if it starts with a common
    word or names a place ("this is Mercy Hospital": `after` holds the words that follow)."""
    kept = []
    tokens = raw.split() + after.split()[:1]
    for token in tokens:
        word = token.lower().strip("'\u2019.,")
        if word in STOP_WORDS:
            if word in ORG_WORDS:
                return None
            break
        kept.append(token)
    kept = kept[: len(raw.split())]
    return " ".join(kept) if kept else None


class Redactor:
    def __init__(self, names: Iterable[str] = ()):
        self.names: dict[str, int] = {}  # a name or part of one, lower case -> the person's number
        self._seen: dict[str, str] = {}  # each original redacted -> its placeholder, to scrub other text with
        self._seen_pattern: re.Pattern[str] | None = None
        self._scrubbed: dict[str, str] = {}  # a score's reasons repeat from turn to turn: each is scrubbed once
        self._people = 0
        self._patterns: tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None = None
        for name in names:
            self.add_name(name)

    def add_name(self, name: str) -> bool:
        """Redact this name (and each part of it) from now on; False if it is empty or already known."""
        tokens = [
            t
            for t in re.findall(r"[^\W\d_][\w'\u2019-]*", name[:MAX_NAME_CHARS])
            if len(t) > 1 and t.lower() not in {"mr", "mrs", "ms", "mx", "dr", "miss"}
        ][:4]  # no initials
        key = " ".join(tokens).lower()
        if not tokens or key in self.names or len(self.names) >= MAX_NAMES:
            return False
        parts = [t.lower() for t in tokens if len(t) > 1 and t.lower() not in STOP_WORDS]
        number = next((self.names[p] for p in parts if p in self.names), None)
        if number is None:
            self._people += 1
            number = self._people
        self.names[key] = number
        for part in parts:
            self.names.setdefault(part, number)
        self._patterns = None
        self._scrubbed.clear()
        return True

    def learn(self, text: str) -> list[str]:
        """Add the names people give in text ("my name is …", "this is … from billing"); returns those new."""
        found = []
        for pattern in P.NAME_INTROS:
            for m in pattern.finditer(text):
                name = name_candidate(m.group(1), text[m.end(1) : m.end(1) + 40])
                if name and self.add_name(name):
                    found.append(name)
        return found

    def redact(self, text: str, before: str = "", remember: bool = True) -> Redacted:
        """text with every finding replaced; `before` is the turn before (a date after "your date of birth?" is one).
        What is redacted is remembered (unless remember is False), so scrub() can find it in other text."""
        spans = _merge(self._find(text, before))
        out, reds, pos, length = [], [], 0, 0
        for s, e, kind, number in spans:
            out.append(text[pos:s])
            word = KINDS[kind][0]
            placeholder = f"[{word} {number}]" if kind == "name" and number else f"[{word}]"
            start = length + s - pos
            out.append(placeholder)
            length = start + len(placeholder)
            reds.append(Redaction(kind, start, length, s, e))
            if remember and 1 < e - s <= MAX_SCRUBBED and text[s:e] not in self._seen:
                self._seen[text[s:e]] = placeholder
                self._seen_pattern = None
                self._scrubbed.clear()
            pos = e
        out.append(text[pos:])
        return Redacted("".join(out), tuple(reds))

    def scrub(self, text: str) -> str:
        """Other text (a score's reasons) with everything this redactor has redacted replaced there too."""
        if text in self._scrubbed:
            return self._scrubbed[text]
        out = self.redact(text, remember=False).text
        if self._seen:
            if self._seen_pattern is None:
                self._seen_pattern = re.compile("|".join(re.escape(o) for o in sorted(self._seen, key=len, reverse=True)))
            out = self._seen_pattern.sub(lambda m: self._seen[m.group(0)], out)
        if len(self._scrubbed) < 10_000:
            self._scrubbed[text] = out
        return out

    def _name_patterns(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        if self._patterns is None:

            def alternation(names: list[str]) -> str:
                return "|".join(r"\s+".join(re.escape(t) for t in n.split()) for n in sorted(names, key=len, reverse=True))

            anycase = [n for n in self.names if n not in _EVERYDAY and len(n) > 2]
            capital = [n for n in self.names if n not in anycase]
            capital = [v for n in capital for v in (" ".join(t.capitalize() for t in n.split()), n.upper())]
            self._patterns = (
                re.compile(rf"(?<![\w'\u2019])(?:{alternation(anycase)}){_APOSTROPHE_END}", re.IGNORECASE) if anycase else None,
                re.compile(rf"(?<![\w'\u2019])(?:{alternation(capital)}){_APOSTROPHE_END}") if capital else None,
            )
        return self._patterns

    def _find(self, text: str, before: str) -> list[tuple[int, int, str, int]]:
        found: list[tuple[int, int, str, int]] = []

        def add(s: int, e: int, kind: str) -> None:
            found.append((s, e, kind, 0))

        for pattern in self._name_patterns():
            for m in pattern.finditer(text) if pattern else ():
                found.append((m.start(), m.end(), "name", self.names.get(" ".join(m.group(0).lower().split()), 0)))
        for pattern in (P.EMAIL, P.SPOKEN_EMAIL):
            for m in pattern.finditer(text):
                add(m.start(), m.end(), "email")
        for m in P.SSN.finditer(text):
            add(m.start(), m.end(), "ssn")
        for m in P.SSN_CUE.finditer(text):
            social = re.search(r"ssn|social", m.group(0), re.IGNORECASE)
            add(m.start(1), m.end(1), "ssn" if social else _cue_kind(text, m.start(1)))
        for m in P.CARD.finditer(text):
            digits = re.sub(r"\D", "", m.group(0))
            add(m.start(), m.end(), "card" if luhn(digits) else _cue_kind(text, m.start()))
        for m in P.CARD_CODE.finditer(text):
            add(m.start(1), m.end(1), "card")
        for m in P.PHONE.finditer(text):
            add(m.start(), m.end(), "phone")
        for pattern, kind in ((P.MRN, "mrn"), (P.ACCOUNT, "account")):
            for m in pattern.finditer(text):
                if sum(c.isdigit() for c in m.group(1)) >= 3:
                    add(m.start(1), m.end(1), kind)
        for pattern in (P.LONG_NUMBER, P.DIGIT_WORDS):
            for m in pattern.finditer(text):
                add(m.start(), m.end(), _cue_kind(text, m.start()))
        for i, pattern in enumerate(P.DATES):
            for m in pattern.finditer(text):
                if _is_date(i, m):
                    add(m.start(), m.end(), _date_kind(text, m.start(), before))
        for m in P.BIRTH_YEAR.finditer(text):
            add(m.start(1), m.end(1), "date_of_birth")
        for m in P.ADDRESS.finditer(text):
            add(m.start(), m.end(), "address")
        for m in P.ZIP.finditer(text):
            add(m.start(1), m.end(1), "address")
        return found


def _is_date(pattern_index: int, m: re.Match[str]) -> bool:
    if pattern_index in (0, 2):  # 3/14/62 or 14/3/62; 3/14 alone is read month first
        a, b = int(m.group(1)), int(m.group(2))
        us = 1 <= a <= 12 and 1 <= b <= 31
        return us or (pattern_index == 0 and 1 <= a <= 31 and 1 <= b <= 12)
    # "you may first want to" and "first, may I" are not dates: a lower-case "may" needs a day in digits or "of may"
    if pattern_index in (3, 4) and any(w.rstrip(".,") == "may" for w in m.group(0).split()):
        return any(c.isdigit() for c in m.group(0)) or " of may" in m.group(0)
    return True


def _date_kind(text: str, start: int, before: str) -> str:
    if P.BIRTH_CUE.search(text, max(0, start - 60), start):
        return "date_of_birth"
    if start < 60 and P.BIRTH_CUE.search(before[-160:]):
        return "date_of_birth"
    return "date"


def _cue_kind(text: str, start: int) -> str:
    """What a bare number is, from the nearest word before it that names one ("card", "account" …)."""
    window = text[max(0, start - 40) : start]
    best, at = "number", -1
    for kind, cue in P.NUMBER_CUES:
        for m in cue.finditer(window):
            if m.end() > at:
                best, at = kind, m.end()
    return best


def _merge(found: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str, int]]:
    """Overlapping findings become one redaction (the union), named by the most specific kind among them."""
    merged: list[list[Any]] = []
    for s, e, kind, number in sorted(found, key=lambda f: (f[0], -f[1])):
        if s >= e:
            continue
        if merged and s < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], e)
            if _PRIORITY[kind] < _PRIORITY[last[2]]:
                last[2], last[3] = kind, number
        else:
            merged.append([s, e, kind, number])
    return [tuple(m) for m in merged]
