"""What a reply may not earn points for: a sentence said twice, and moves that only look like answers.

Repeated sentences count once (pasting one line ten times earns nothing more);
a teach-back question counts only when something was explained; a percentage is a
statistic, not the patient's amount.
"""

from __future__ import annotations

import re

from .text import sentences

Span = tuple[int, int]
_NORMAL = re.compile(r"[^a-z0-9$]+")
# What shows the reply answered the patient, beyond warm words.
SUBSTANCE = (
    "gave_amount",
    "gave_date",
    "next_step",
    "explained_term",
    "offered_payment_plan",
    "offered_financial_assistance",
    "offered_itemized_bill",
    "offered_estimate",
    "offered_interpreter",
    "offered_supervisor",
    "offered_appeal",
    "verified_identity",
    "honoured_dispute",
    "explored",
    "gave_mini_miranda",
)


def repeated_spans(text: str) -> list[Span]:
    """Every sentence after its first appearance (compared without case, spacing or punctuation)."""
    seen: set[str] = set()
    out = []
    for s, e in sentences(text):
        key = _NORMAL.sub(" ", text[s:e].lower()).strip()
        if key in seen:
            out.append((s, e))
        seen.add(key)
    return out


def drop_repeats(hits: dict[str, list[Span]], repeats: list[Span]) -> dict[str, list[Span]]:
    """The moves found outside repeated sentences; a move found only in repeats is gone."""
    if not repeats:
        return hits

    def inside(span: Span) -> bool:
        return any(s <= span[0] and span[1] <= e for s, e in repeats)

    kept = {move: [sp for sp in spans if not inside(sp)] for move, spans in hits.items()}
    return {move: spans for move, spans in kept.items() if spans}


def amounts_not_statistics(text: str, spans: list[Span]) -> list[Span]:
    """Dollar amounts and dates, not percentages ("80% of patients…" is not the patient's figure)."""
    return [(s, e) for s, e in spans if not re.search(r"%|percent", text[s : e + 9], re.IGNORECASE)]
