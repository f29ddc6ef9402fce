"""Text helpers the scorers share: cleaning, sentences, words, matches with spans."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..domain import cap_reply

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# A negation governs a phrase only inside the phrase's clause and a few words before it:
# "No problem - we will sue you" and "If you don't pay, we'll sue" negate nothing.
NEGATION = re.compile(
    r"\b(?:not|never|no|no one|nobody|nothing|won'?t|wouldn'?t|don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|"
    r"can'?t|cannot|shouldn'?t|mustn'?t|nor|without|neither)\b",
    re.IGNORECASE,
)
_FALSE_NEGATION = re.compile(
    r"\bno (?:choice|option|alternative) but\b|\bno problem\b|\bno later than\b|\bnot only\b|"
    r"\b(?:don'?t|do not|doesn'?t) (?:want|like|wish|enjoy)\b|\b(?:would|'d) (?:really )?rather not\b|\bnothing (?:stops|prevents)\b|\b(?:won'?t|will not|doesn'?t|does not|can'?t) (?:stop|prevent|undo|avoid)\b|\bnothing (?:else|more)\b|"
    r"\bno (?:more )?(?:excuses|extensions|delays)\b|\b(?:if|unless|when) (?:you|they|he|she|it|we) "
    r"(?:don'?t|do not|can'?t|cannot|won'?t|will not|didn'?t)\b|\bnot (?:paid|pay|paying)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.;!?:\n,]|\s[-\u2013\u2014]\s|\bbut\b|\bhowever\b|\bthough\b", re.IGNORECASE)
_NEGATED_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:is|are|would be|will be) (?:not allowed|illegal|against the law|not something we do)\b",
    re.IGNORECASE,
)
NEGATION_WORDS = 6  # a negation governs a phrase only within this many words before it


@dataclass(frozen=True)
class Cleaned:
    text: str
    notices: tuple[str, ...]


def clean(reply: str) -> Cleaned:
    """Cap the length and blank out control characters, keeping every offset stable."""
    reply, notice = cap_reply(reply)
    notices = [notice] if notice else []
    reply = unicodedata.normalize("NFC", reply)
    # Same length replacement, so evidence spans index the text the trainee sees.
    reply = _CONTROL.sub(" ", reply).replace("’", "'")
    return Cleaned(reply, tuple(notices))


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (a phone reply has few; punctuation may be missing)."""
    spans = []
    for m in _SENTENCE.finditer(text):
        s = m.group(0)
        if WORD.search(s):
            lead = len(s) - len(s.lstrip())
            spans.append((m.start() + lead, m.end()))
    return spans


def sentence_span(text: str, start: int, end: int, opens: str = ".?!", closes: str | None = None) -> tuple[int, int]:
    """The sentence around text[start:end]: after the last of `opens` before it, up to the first of `closes` after it."""
    closes = opens if closes is None else closes
    s = max(text.rfind(c, 0, start) for c in opens) + 1
    ends = [i for i in (text.find(c, end) for c in closes) if i >= 0]
    return s, min(ends) if ends else len(text)


def sentence_at(text: str, start: int, end: int, opens: str = ".?!", closes: str | None = None) -> str:
    s, e = sentence_span(text, start, end, opens, closes)
    return text[s:e]


def words(text: str) -> list[re.Match[str]]:
    return list(WORD.finditer(text))


def negated(text: str, start: int, end: int | None = None) -> bool:
    """True when a negation governs the phrase at text[start:end]: same clause, a few words before it."""
    end = start if end is None else end
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)]
    before = _FALSE_NEGATION.sub(" _ ", text[breaks[-1] if breaks else 0 : start])
    if NEGATION.search(" ".join(before.split()[-NEGATION_WORDS:])):
        return True
    return bool(_NEGATED_AFTER.search(text[end : end + 40]))


def find_all(pattern: re.Pattern[str], text: str, allow_negated: bool = True) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text) if allow_negated or not negated(text, m.start(), m.end())]


def rx(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern from several alternatives."""
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)
