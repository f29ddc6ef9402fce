"""Text helpers the scorers share: cleaning, sentences, words, matches with spans."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..domain import cap_reply

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
NEGATION = re.compile(r"\b(?:not|never|no|nothing|nobody|without|neither|nor|won'?t|wouldn'?t|don'?t|doesn'?t|"
                      r"isn'?t|aren'?t|can'?t|cannot)\b", re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:if|unless|when) (?:you|they|he|she|it|we)\s*$", re.IGNORECASE)
NEGATION_REACH = 45  # characters from a negation to the words it governs


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


def words(text: str) -> list[re.Match]:
    return list(WORD.finditer(text))


def negated(text: str, start: int) -> bool:
    """True when a negation comes shortly before position `start` in the same sentence.

    "If you don't pay, it goes to collections" is a condition, not a negation.
    """
    window = text[max(0, start - NEGATION_REACH):start]
    for boundary in ".!?;":
        window = window.rsplit(boundary, 1)[-1]
    offset = start - len(window)
    for m in reversed(list(NEGATION.finditer(window))):
        if not _CONDITION.search(text[max(0, offset + m.start() - 12):offset + m.start()]):
            return True
    return False


def find_all(pattern: re.Pattern, text: str, allow_negated: bool = True) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)
            if allow_negated or not negated(text, m.start())]


def rx(*alternatives: str) -> re.Pattern:
    """One case-insensitive pattern from several alternatives."""
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)
