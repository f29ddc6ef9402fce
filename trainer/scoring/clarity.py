"""Clarity: plain words, short sentences, jargon explained, concrete facts, one next step, a check.

Anchors: CDC Clear Communication Index (spoken form), federal plain-language
guidelines, and the Dale-Chall familiar-word list (not Flesch-Kincaid, which
dollar amounts and codes fool).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..config import ASSETS_DIR
from ..glossary import Term, glossary
from .context import ScoreContext
from .gaming import amounts_not_statistics
from .ledger import Ledger
from .moves import Hits
from .text import WORD, rx, sentences, words
from .register import technical_register
from .word_frequency import syllables, zipf

LONG_SENTENCE = 20  # words
LONG_REPLY = 130  # words: more than a listener keeps on the phone
EASY_ZIPF = 4.5  # a word at least this common (about once in 30,000 words) is everyday speech
PLAIN_MEAN = 0.03  # mean word difficulty of a plain spoken reply (the corpus's median is 0.02)
REGISTER_STEP = 0.1  # mean log-odds per word that costs the feature's weight once
DIFFICULTY_STEP = 0.05  # each step of this much harder costs the feature's weight once

# An explanation that follows a term ("deductible, which is the part you pay …")
# or leads into it ("what's called a deductible").
_GLOSS_AFTER = re.compile(
    r"^[\s,:(\u2014-]*(?:\w+\s){0,2}?(?:which|that|this|it)?\s*(?:is|are|means?|meaning|refers? to|just means|basically|"
    r"in other words|or in plain|that's|so that)\b|^\s*[(\u2014-]\s*(?:the|a|an|your|that|what|it)\b",
    re.IGNORECASE,
)
_GLOSS_BEFORE = re.compile(r"(?:called|known as|name for|we call|means)\s+(?:a|an|the|your)?\s*$", re.IGNORECASE)
_CHECK = rx(
    r"\bdoes (?:that|this|it) make sense\b",
    r"\bany questions\b",
    r"\bis (?:that|this) clear\b",
    r"\bdid (?:that|this) help\b",
    r"\bdo you have (?:any )?questions\b",
    r"\bwhat questions\b",
)
_HEDGE = rx(
    r"\bi (?:think|guess|believe) (?:maybe|probably|it might)\b",
    r"\bsomewhere around\b",
    r"\bnot (?:really )?sure\b",
    r"\bkind of\b(?! you)",
    r"\bsort of\b",
    r"\bor something\b",
)
_SPANISH = re.compile(r"\b(?:el|la|los|las|usted|que|para|con|por|es|su|una|factura|pago|seguro)\b", re.IGNORECASE)
# Function words of other languages sprinkled into English: they neither earn nor cost clarity.
_FILLER = re.compile(
    r"(?:el|la|los|las|usted|que|para|con|por|es|su|una|un|le|les|des|du|und|der|die|das|ist|il|di|che)", re.IGNORECASE
)
_SUFFIXES = ("'s", "s", "es", "ed", "d", "ing", "ly", "er", "ies")


@lru_cache(maxsize=None)
def familiar_words() -> frozenset[str]:
    out = set()
    for name in ("dale_chall_easy_words.txt", "familiar_extra.txt"):
        for line in (ASSETS_DIR / "lexicons" / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                out.add(line.strip().lower())
    return frozenset(out)


def is_familiar(word: str, known: frozenset[str]) -> bool:
    w = word.lower()
    if w in known or len(w) <= 2:  # a three-letter word counts only if it is on the list ("su", "los" are not)
        return True
    for suffix in _SUFFIXES:
        if w.endswith(suffix):
            stem = w[: -len(suffix)]
            if stem in known or stem + "e" in known or (suffix == "ies" and stem + "y" in known):
                return True
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in known:  # "stopped"
                return True
    return False


def word_difficulty(word: str, known: frozenset[str]) -> float:
    """0 for an everyday word, up to 1 for a rare, long one (real word frequencies, plus syllables)."""
    frequency = zipf(word)
    if frequency >= EASY_ZIPF or is_familiar(word, known):
        return 0.0
    hard = min(1.0, max(0.25, (EASY_ZIPF - frequency) / 2.5))
    return min(1.0, hard + (0.25 if syllables(word) >= 4 else 0.0))


def _word_difficulty(led: Ledger, text: str, toks: list[re.Match[str]]) -> None:
    """Mean difficulty of the reply's words; foreign filler and names are left out, so they neither help nor hurt."""
    known = familiar_words()
    counted = [t for t in toks if not _FILLER.fullmatch(t.group(0)) and not _is_name(text, t)]
    if not counted:
        return
    scores = [(t, word_difficulty(t.group(0), known)) for t in counted]
    mean = sum(d for _, d in scores) / len(scores)
    hard = [(t.start(), t.end()) for t, d in scores if d >= 0.5]
    value = max(-0.6, min(4.0, (mean - PLAIN_MEAN) / DIFFICULTY_STEP))
    led.hit(
        "word_difficulty",
        f"word difficulty {mean:.2f} (everyday speech is about {PLAIN_MEAN:.2f})",
        hard,
        value=value,
        sub="familiar_words",
    )
    if value > 1:
        led.suggest(6, "Swap long words for everyday ones a patient uses at home.")


def _is_name(text: str, tok: re.Match[str]) -> bool:
    """A capitalised word inside a sentence is a name (Dana, Medicare): not a test of plain language."""
    before = text[: tok.start()].rstrip()
    return tok.group(0)[:1].isupper() and not tok.group(0).isupper() and bool(before) and before[-1] not in '.!?:"\n'


def _sentence_length(led: Ledger, text: str) -> None:
    """Only the words past LONG_SENTENCE cost, in proportion, so a long text does not floor at 0."""
    counts = [(s, e, len(words(text[s:e]))) for s, e in sentences(text)]
    long = [(s, e, c) for s, e, c in counts if c > LONG_SENTENCE]
    if not long:
        led.hit("short_sentences", f"every sentence is {LONG_SENTENCE} words or fewer", sub="sentence_length")
        return
    excess = sum(c - LONG_SENTENCE for _, _, c in long)
    led.hit(
        "long_sentence",
        f"{len(long)} sentence(s) over {LONG_SENTENCE} words ({excess} words too many)",
        [(s, e) for s, e, _ in long],
        value=min(3.0, excess / 10),
        sub="sentence_length",
    )
    led.suggest(7, f"Break long sentences up: keep each under {LONG_SENTENCE} words.")


def _says_something(text: str) -> bool:
    """Ten or more words of statements (not questions, not repeated) before any check of understanding."""
    said = [text[s:e] for s, e in sentences(text) if not text[s:e].rstrip().endswith("?")]
    return len({w.lower() for part in said for w in WORD.findall(part)}) >= 10


def glossed(text: str, start: int, end: int) -> bool:
    return bool(_GLOSS_AFTER.search(text[end : end + 60]) or _GLOSS_BEFORE.search(text[max(0, start - 30) : start]))


def score_clarity(text: str, hits: Hits, cues: set[str], ctx: ScoreContext) -> tuple[Ledger, set[str]]:
    """The clarity ledger and the 'explained' moves it found."""
    led = Ledger("clarity")
    moves: set[str] = set()
    toks = words(text)
    n = len(toks)
    if n < 4:
        led.hit("too_short", "too short to tell the patient anything", sub="length")
        led.suggest(9, "Say what the bill is for, what they owe, and what happens next, in a few short sentences.")
        return led, moves

    # a reply in Spanish is not judged on English word frequencies; Spanish filler in English earns nothing
    content = [t for t in toks if not _FILLER.fullmatch(t.group(0))]
    english = sum(zipf(t.group(0)) >= EASY_ZIPF - 0.5 for t in content)
    spanish = len(_SPANISH.findall(text)) >= max(3, n // 6) and english < len(content) / 2
    if not spanish:
        _word_difficulty(led, text, toks)
    register = technical_register(text)
    if register:  # continuous: the more a reply sounds like a technical explanation, the more it costs
        led.hit(
            "technical_register",
            f"register {register:+.2f} (plain explanations sit below 0)",
            value=max(-2.0, min(3.0, register / REGISTER_STEP)),
            sub="familiar_words",
        )
    _sentence_length(led, text)
    if n > LONG_REPLY:  # its own visible deduction, never flooring the whole dimension
        led.hit(
            "long_reply",
            f"{n} words: more than a listener keeps on the phone (about {LONG_REPLY})",
            value=min(2.0, (n - LONG_REPLY) / (LONG_REPLY / 2)),
            sub="length",
        )

    seen: set[str] = set()
    explained: list[tuple[Term, int, int]] = []
    unexplained: list[tuple[Term, int, int]] = []
    for term, start, end in glossary().find(text):
        if not term.jargon or term.term in seen:
            continue
        seen.add(term.term)
        (explained if glossed(text, start, end) else unexplained).append((term, start, end))
    for term, start, end in explained[:2]:
        led.hit("jargon_explained", f"explains '{term.term}' in plain words", [(start, end)], sub="jargon")
    for term, start, end in unexplained[:3]:
        led.hit("jargon_unexplained", f"uses '{term.term}' without explaining it", [(start, end)], sub="jargon")
    if explained:
        moves |= {"explained_term"} | {f"explained:{t.term}" for t, _, _ in explained}
    if unexplained:
        term = unexplained[0][0]
        led.suggest(8, f"Explain '{term.term}' when you say it: \"{term.plain}\"")

    concrete = amounts_not_statistics(text, hits.get("gave_amount", [])) + hits.get("gave_date", [])
    if concrete:
        led.hit("concrete", "gives a concrete amount or date", concrete)
    elif "cost_question" in cues:
        led.hit("no_figure", "the patient asked about cost and heard no figure", sub="concrete")
        led.suggest(5, "Give the actual figure and date: 'Your share is $240, due by June 3.'")
    if "next_step" in hits:
        led.hit("next_step", "says what happens next", hits["next_step"])
    else:
        led.suggest(6, "End with one clear next step: 'I'll mail the itemized bill today; it should arrive by Friday.'")
    explained_something = bool(explained or concrete or "next_step" in hits) or _says_something(text)
    if "teach_back" in hits and explained_something:
        led.hit("teach_back", "checks understanding in the patient's own words (teach-back)", hits["teach_back"], sub="check")
    else:
        checks = [(m.start(), m.end()) for m in _CHECK.finditer(text)]
        if checks and explained_something:
            led.hit("check_question", "asks if it made sense (a teach-back question is stronger)", checks, sub="check")
        led.suggest(3, "Check understanding: 'So I know I was clear, can you tell me what happens next?'")
    hedges = [(m.start(), m.end()) for m in _HEDGE.finditer(text)]
    if hedges:
        led.hit("hedge", "vague or unsure wording", hedges, sub="certainty")
    return led, moves
