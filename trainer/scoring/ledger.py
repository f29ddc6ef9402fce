"""Points for one dimension, each entry with its reason and, where it has one, its span."""
from __future__ import annotations

from ..domain import DimensionScore, Evidence

MAX_SPANS_PER_ENTRY = 3


class Ledger:
    def __init__(self, name: str, base: int):
        self.name = name
        self.points = base
        self.subscores: dict[str, int] = {}
        self.evidence: list[Evidence] = []
        self.reasons: list[str] = []
        self._suggestions: list[tuple[int, str]] = []

    def add(self, sub: str, points: int, reason: str, spans=()) -> None:
        self.subscores[sub] = self.subscores.get(sub, 0) + points
        self.points += points
        sign = "+" if points > 0 else ""
        self.reasons.append(f"{sign}{points}  {reason}" if points else reason)
        for start, end in list(spans)[:MAX_SPANS_PER_ENTRY]:
            self.evidence.append(Evidence(start, end, self.name, points, reason))

    def suggest(self, priority: int, text: str) -> None:
        """Offer a suggestion; the most important (highest priority) one is shown."""
        self._suggestions.append((priority, text))

    def cap(self, ceiling: int, reason: str) -> None:
        if self.points > ceiling:
            self.reasons.append(f"capped at {ceiling}: {reason}")
            self.points = ceiling

    def result(self, applicable: bool = True) -> DimensionScore:
        best = max(self._suggestions, default=(0, ""), key=lambda s: s[0])[1]
        self.evidence.sort(key=lambda e: (e.start, e.end))
        return DimensionScore(self.name, max(0, min(100, round(self.points))), applicable,
                              self.subscores, self.evidence, best, self.reasons)
