"""The one scorer the session calls: reply + context -> Score, deterministic, offline."""
from __future__ import annotations

from ..domain import DimensionScore, Score
from .clarity import score_clarity
from .compliance import score_compliance
from .context import ScoreContext
from .empathy import score_empathy
from .moves import INTERNAL, detect, patient_cues
from .text import clean

RUBRIC_VERSION = "2026.11-1"


class Scorer:
    rubric_version = RUBRIC_VERSION

    def score(self, reply: str, context: ScoreContext | None = None) -> Score:
        ctx = context or ScoreContext()
        cleaned = clean(reply or "")
        text = cleaned.text
        if not text.strip():
            return _no_reply(list(cleaned.notices))
        hits = detect(text)
        cues = patient_cues(ctx.patient_line)
        empathy = score_empathy(text, hits, cues, ctx)
        clarity, explained = score_clarity(text, hits, cues, ctx)
        compliance, blockers = score_compliance(text, hits, cues, ctx)
        moves = frozenset(m for m in hits if m not in INTERNAL) | explained
        return Score(empathy, clarity, compliance, RUBRIC_VERSION, blockers, moves, list(cleaned.notices))


def _no_reply(notices: list[str]) -> Score:
    def zero(name: str) -> DimensionScore:
        return DimensionScore(name, 0, True, suggestion="Say something: the patient is waiting.",
                              reasons=["no reply"])
    return Score(zero("empathy"), zero("clarity"), zero("compliance"), RUBRIC_VERSION,
                 notices=notices + ["No reply was given."], empty=True)
