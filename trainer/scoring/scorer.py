"""The one scorer the session calls: reply + context -> Score, deterministic, offline."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import Blocker, DimensionScore, Score
from .clarity import score_clarity
from .compliance import score_compliance
from .context import ScoreContext
from .empathy import score_empathy
from .fact_check import check_facts
from .gaming import drop_repeats, repeated_spans
from .facts_cost import WRONG_FACT_CLARITY_CAP, charge_wrong_facts
from .inference import infer
from .ledger import Ledger
from .moves import INTERNAL, detect, patient_cues
from .text import clean

RUBRIC_VERSION = "2026.12-1"
# Breaches that are false statements ("you could be arrested", "his bills pass to you"): the labelling guide
# rates a wrong statement unclear, however plainly it is put.
FALSE_STATEMENT_RULES = frozenset({"no-false-threats", "fdcpa-no-threats", "fair-dealing", "time-barred-debt"})


@dataclass
class Analysis:
    """Everything the rules found in a reply, before it becomes a Score."""

    text: str
    notices: list[str]
    ledgers: dict[str, Ledger]
    blockers: list[Blocker]
    moves: frozenset[str]


class Scorer:
    rubric_version = RUBRIC_VERSION

    def score(self, reply: str, context: ScoreContext | None = None) -> Score:
        found = self.analyse(reply, context)
        if found is None:
            return _no_reply(list(clean(reply or "").notices))
        d = {name: led.result() for name, led in found.ledgers.items()}
        return Score(d["empathy"], d["clarity"], d["compliance"], RUBRIC_VERSION, found.blockers, found.moves, found.notices)

    def analyse(self, reply: str, context: ScoreContext | None = None) -> Analysis | None:
        """The rules' findings (None for an empty reply); training reads the ledgers' features."""
        ctx = context or ScoreContext()
        cleaned = clean(reply or "")
        text = cleaned.text
        if not text.strip():
            return None
        inferred = infer(ctx, text)
        repeats = repeated_spans(text)
        hits = drop_repeats(detect(text, inferred.collector, inferred.time_barred), repeats)
        cues = patient_cues(ctx.patient_line)
        empathy = score_empathy(text, hits, cues, ctx)
        clarity, explained = score_clarity(text, hits, cues, ctx)
        compliance, blockers = score_compliance(text, hits, cues, ctx, inferred)
        if any(b.rule_id in FALSE_STATEMENT_RULES for b in blockers):  # a threat or false claim is a wrong statement
            clarity.cap(WRONG_FACT_CLARITY_CAP, "a false statement about what will happen or who owes")
        wrong = check_facts(text, ctx.facts, ctx.patient_line)
        if wrong:
            explained = charge_wrong_facts(wrong, clarity, compliance, explained)
        moves = frozenset(m for m in hits if m not in INTERNAL) | explained
        return Analysis(
            text, list(cleaned.notices), {"empathy": empathy, "clarity": clarity, "compliance": compliance}, blockers, moves
        )


def _no_reply(notices: list[str]) -> Score:
    def zero(name: str) -> DimensionScore:
        return DimensionScore(name, 0, True, suggestion="Say something: the patient is waiting.", reasons=["no reply"])

    return Score(
        zero("empathy"),
        zero("clarity"),
        zero("compliance"),
        RUBRIC_VERSION,
        notices=notices + ["No reply was given."],
        empty=True,
    )
