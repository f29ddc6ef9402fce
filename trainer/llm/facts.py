"""The facts a line carries, so a voiced line can be held to its scripted gist: money (in cents), dates,
numbers (digits or words), ids, names, yes/no answers and negations. Pure functions, no Qt."""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass

_MONTHS = ("january february march april may june july august september october november december").split()
_MON = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)}

_MONEY = re.compile(
    r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?|\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?\s?(?:dollars|usd)\b", re.I
)
_DATE_NAMED = re.compile(
    r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.I
)
_DATE_DAY_FIRST = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?(?:,?\s+(\d{4}))?\b", re.I
)
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_ID = re.compile(r"(?<![\w#-])#?(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9][\w-]{2,}")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
        "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth "
        "eighteenth nineteenth twentieth".split()
    )
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUMBER_WORDS = set(_UNITS) | set(_TENS) | set(_ORDINALS) | set(_SCALES) | {"thirtieth", "half", "dozen"}
# "one" is a pronoun as often as a number ("the one", "no one"): it is not held as a fact either way.
_NOT_A_NUMBER = {"one"}

NEGATIONS = re.compile(r"\b(not|no|never|nothing|nobody|none|neither|nor|cannot|without|nowhere)\b|n['’]t\b", re.I)
_YES = re.compile(r"\b(yes|yeah|yep|yup)\b", re.I)
_NO = re.compile(r"\b(no|nope|nah)\b(?!\s+(?:one|longer|more|idea|matter|problem|way)\b)", re.I)

# Capitalised words that are not names (sentence starts are skipped anyway).
_NOT_NAMES = {"I", "I'm", "I've", "I'd", "I'll", "OK", "Okay", "Oh", "Mr", "Mrs", "Ms", "Dr", "God", "Hi", "Hello"}


def amounts(text: str) -> set[int]:
    """Money in the text, in cents."""
    found = set()
    for m in _MONEY.finditer(text):
        whole = (m.group(1) or m.group(3) or "0").replace(",", "")
        frac = (m.group(2) or m.group(4) or "0").ljust(2, "0")
        found.add(int(whole) * 100 + int(frac))
    return found


def dates(text: str) -> set[tuple[int, ...]]:
    """Dates in the text as (month, day) and, when a year is given, (year, month, day)."""
    found: set[tuple[int, ...]] = set()

    def add(y: str | None, mo: int, d: int) -> None:
        if 1 <= mo <= 12 and 1 <= d <= 31:
            found.add((mo, d))
            if y:
                year = int(y)
                found.add((year + 2000 if year < 100 else year, mo, d))

    for m in _DATE_NAMED.finditer(text):
        add(m.group(3), _MON[m.group(1)[:3].lower()], int(m.group(2)))
    for m in _DATE_DAY_FIRST.finditer(text):
        add(m.group(3), _MON[m.group(2)[:3].lower()], int(m.group(1)))
    for m in _DATE_NUMERIC.finditer(text):
        if m.group(1):
            add(m.group(3), int(m.group(1)), int(m.group(2)))
        else:
            add(m.group(4), int(m.group(5)), int(m.group(6)))
    return found


def _as_number(token: str) -> float:
    value = float(token.replace(",", ""))
    return int(value) if value == int(value) else value


def numbers(text: str) -> set[float]:
    """Every number in the text, whether in digits ('1,225.00', '3rd') or in words ('six', 'a thousand',
    'twenty-five', 'third'). Month names give their month number when written as part of a date."""
    found = {_as_number(m.group(0).rstrip(".,")) for m in _DIGITS.finditer(text)}
    for d in dates(text):
        found.update(d)
    found.update(_word_numbers(text))
    return found


def _word_numbers(text: str) -> set[int]:
    found: set[int] = set()
    # punctuation ends a number: "a thousand, two more" is 1000 and 2, not 1002
    words = re.findall(r"[a-z]+|[^\sa-z]", text.lower().replace("-", " "))
    current, total, in_number = 0, 0, False
    for w in words + [""]:
        if w in _NUMBER_WORDS and w not in _NOT_A_NUMBER:
            in_number = True
            if w in _UNITS:
                current += _UNITS[w]
            elif w in _TENS:
                current += _TENS[w]
            elif w in _ORDINALS:
                current += _ORDINALS[w]
            elif w == "thirtieth":
                current += 30
            elif w == "dozen":
                current = (current or 1) * 12
            elif w == "half":
                continue
            elif w == "hundred":
                current = (current or 1) * 100
            else:
                total += (current or 1) * _SCALES[w]
                current = 0
        elif in_number:
            found.add(total + current)
            current, total, in_number = 0, 0, False
    return found


def ids(text: str) -> set[str]:
    """Account numbers, claim and member ids: tokens that mix letters and digits ('A-10023', '#4471B')."""
    return {
        m.group(0).lstrip("#").upper().rstrip(".,")
        for m in _ID.finditer(text)
        if not re.fullmatch(r"\d+(st|nd|rd|th|s)", m.group(0), re.I)
    }


def names(text: str) -> set[str]:
    """Capitalised words that are not the first word of a sentence: names, insurers, places."""
    found = set()
    for sentence in re.split(r"(?<=[.!?…])\s+|\n+|(?<=[:;])\s+", text):
        words = _WORD.findall(sentence)
        for w in words[1:]:
            if w[0].isupper() and w not in _NOT_NAMES and w.lower() not in _MON and w.lower()[:3] not in _MON:
                found.add(w)
    return found


def negation_count(text: str) -> int:
    return len(NEGATIONS.findall(text))


def answer(text: str) -> str | None:
    """'yes' or 'no' when the line gives that answer, else None."""
    yes, no = bool(_YES.search(text)), bool(_NO.search(text))
    return "yes" if yes and not no else "no" if no and not yes else None


@dataclass(frozen=True)
class FactSheet:
    amounts: frozenset[int]
    dates: frozenset[tuple[int, ...]]
    numbers: frozenset[float]
    ids: frozenset[str]
    names: frozenset[str]
    negations: int
    answer: str | None

    @classmethod
    def of(cls, text: str, known_names: Set[str] = frozenset()) -> FactSheet:
        """known_names: names the account holds, found in the text even at a sentence start."""
        words = set(_WORD.findall(text))
        return cls(
            frozenset(amounts(text)),
            frozenset(dates(text)),
            frozenset(numbers(text)),
            frozenset(ids(text)),
            frozenset(names(text) | (words & set(known_names))),
            negation_count(text),
            answer(text),
        )


def missing_facts(gist: str, line: str, known_names: Set[str] = frozenset()) -> list[str]:
    """What the line drops or changes of the gist's facts, one short phrase each (empty: all kept)."""
    want, have = FactSheet.of(gist, known_names), FactSheet.of(line, known_names)
    line_words = set(_WORD.findall(line))
    problems = []
    for c in sorted(want.amounts - have.amounts):
        problems.append(f"the amount ${c // 100:,}" + (f".{c % 100:02d}" if c % 100 else ""))
    for d in sorted(want.dates - have.dates, key=str):
        problems.append("the date " + "/".join(str(x) for x in d))
    for n in sorted(want.numbers - have.numbers):
        problems.append(f"the number {n}")
    for i in sorted(want.ids - have.ids):
        problems.append(f"the id {i}")
    for name in sorted(want.names - line_words):
        problems.append(f"the name {name}")
    if want.answer and have.answer != want.answer:
        problems.append(f"the answer '{want.answer}'")
    if want.negations and not have.negations:
        problems.append("the negation")
    elif have.negations > want.negations and (want.negations == 0 or have.negations - want.negations >= 2):
        problems.append("a negation the line does not have")
    return problems
