"""Clarity: plain words, short sentences, jargon explained, concrete facts, one next step, a check.

Anchors: CDC Clear Communication Index (spoken form), federal plain-language
guidelines, and the Dale-Chall familiar-word list (not Flesch-Kincaid, which
dollar amounts and codes fool).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..config import ASSETS_DIR
from ..glossary import glossary
from .context import ScoreContext
from .gaming import amounts_not_statistics
from .ledger import Ledger
from .text import rx, sentences, words

LONG_SENTENCE = 20  # words
LONG_REPLY = 130  # words: more than a listener keeps on the phone

# An explanation that follows a term ("deductible, which is the part you pay …")
# or leads into it ("what's called a deductible").
_GLOSS_AFTER = re.compile(
    r"^[\s,:(\u2014-]*(?:\w+\s){0,2}?(?:which|that|this|it)?\s*(?:is|are|means?|meaning|refers? to|just means|basically|"
    r"in other words|or in plain|that's|so that)\b|^\s*[(\u2014-]\s*(?:the|a|an|your|that|what|it)\b", re.IGNORECASE)
_GLOSS_BEFORE = re.compile(r"(?:called|known as|name for|we call|means)\s+(?:a|an|the|your)?\s*$", re.IGNORECASE)
_CHECK = rx(r"\bdoes (?:that|this|it) make sense\b", r"\bany questions\b", r"\bis (?:that|this) clear\b",
            r"\bdid (?:that|this) help\b", r"\bdo you have (?:any )?questions\b", r"\bwhat questions\b")
_HEDGE = rx(r"\bi (?:think|guess|believe) (?:maybe|probably|it might)\b", r"\bsomewhere around\b",
            r"\bnot (?:really )?sure\b", r"\bkind of\b(?! you)", r"\bsort of\b", r"\bor something\b")
_SPANISH = re.compile(r"\b(?:el|la|los|las|usted|que|para|con|por|es|su|una|factura|pago|seguro)\b", re.IGNORECASE)
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


def glossed(text: str, start: int, end: int) -> bool:
    return bool(_GLOSS_AFTER.search(text[end:end + 60]) or _GLOSS_BEFORE.search(text[max(0, start - 30):start]))


def score_clarity(text: str, hits: dict, cues: set[str], ctx: ScoreContext) -> tuple[Ledger, set[str]]:
    """The clarity ledger and the 'explained' moves it found."""
    led = Ledger("clarity")
    moves: set[str] = set()
    toks = words(text)
    n = len(toks)
    if n < 4:
        led.hit("too_short", "too short to tell the patient anything", sub="length")
        led.suggest(9, "Say what the bill is for, what they owe, and what happens next, in a few short sentences.")
        return led, moves

    spanish = len(_SPANISH.findall(text)) >= max(3, n // 6)
    if not spanish:
        known = familiar_words()
        plain = [t for t in toks if not is_familiar(t.group(0), known)]
        ratio = 1 - len(plain) / n
        spans = [(t.start(), t.end()) for t in plain]
        if ratio >= 0.92:
            led.hit("familiar_high", f"{ratio:.0%} familiar words", sub="familiar_words")
        elif ratio >= 0.85:
            led.hit("familiar_ok", f"{ratio:.0%} familiar words", sub="familiar_words")
        elif ratio < 0.72:
            led.hit("familiar_very_low", f"only {ratio:.0%} familiar words", spans, sub="familiar_words")
            led.suggest(6, "Swap long words for everyday ones a patient uses at home.")
        elif ratio < 0.80:
            led.hit("familiar_low", f"{ratio:.0%} familiar words", spans, sub="familiar_words")

    long_sentences, very_long = [], []
    for s, e in sentences(text):
        count = len(words(text[s:e]))
        if count > 2 * LONG_SENTENCE:
            very_long.append((s, e))
        elif count > LONG_SENTENCE:
            long_sentences.append((s, e))
    if long_sentences:
        led.hit("long_sentence", f"{len(long_sentences)} sentence(s) over {LONG_SENTENCE} words", long_sentences,
                value=min(3, len(long_sentences)), sub="sentence_length")
    if very_long:
        led.hit("very_long_sentence", f"{len(very_long)} sentence(s) over {2 * LONG_SENTENCE} words", very_long,
                value=min(2, len(very_long)), sub="sentence_length")
    if long_sentences or very_long:
        led.suggest(7, f"Break long sentences up: keep each under {LONG_SENTENCE} words.")
    else:
        led.hit("short_sentences", f"every sentence is {LONG_SENTENCE} words or fewer", sub="sentence_length")
    if n > 2 * LONG_REPLY:
        led.hit("very_long_reply", f"{n} words: far more than a listener keeps on the phone", sub="length")
    elif n > LONG_REPLY:
        led.hit("long_reply", f"{n} words: more than a listener keeps on the phone", sub="length")

    seen: set[str] = set()
    explained, unexplained = [], []
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
    explained_something = bool(explained or concrete or "next_step" in hits)
    if "teach_back" in hits and explained_something:
        led.hit("teach_back", "checks understanding in the patient's own words (teach-back)", hits["teach_back"],
                sub="check")
    else:
        checks = [(m.start(), m.end()) for m in _CHECK.finditer(text)]
        if checks and explained_something:
            led.hit("check_question", "asks if it made sense (a teach-back question is stronger)", checks, sub="check")
        led.suggest(3, "Check understanding: 'So I know I was clear, can you tell me what happens next?'")
    hedges = [(m.start(), m.end()) for m in _HEDGE.finditer(text)]
    if hedges:
        led.hit("hedge", "vague or unsure wording", hedges, sub="certainty")
    return led, moves
