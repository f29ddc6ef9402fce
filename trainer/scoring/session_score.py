"""A whole call's score: the turn scores combined, every blocker listed."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import DIMENSIONS, Blocker, Score


@dataclass
class SessionScore:
    dimensions: dict[str, int | None]  # mean over the turns where the dimension applied
    overall: int
    blockers: list[Blocker] = field(default_factory=list)
    turns: int = 0
    rubric_version: str = ""

    def as_dict(self) -> dict[str, int | bool | None]:
        return {**self.dimensions, "overall": self.overall, "blocked": bool(self.blockers)}


def combine(scores: list[Score], rubric_version: str) -> SessionScore:
    dims: dict[str, int | None] = {}
    for name in DIMENSIONS:
        vals = [s.dimension(name).score for s in scores if s.dimension(name).applicable]
        dims[name] = round(sum(vals) / len(vals)) if vals else None
    present = [v for v in dims.values() if v is not None]
    blockers = [b for s in scores for b in s.blockers]
    overall = 0 if blockers or not present else round(sum(present) / len(present))
    return SessionScore(dims, overall, blockers, len(scores), rubric_version)
