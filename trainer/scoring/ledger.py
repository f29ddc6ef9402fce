"""Points for one dimension: each rubric feature found, its weight, its reason and its span.

The weights live in assets/scoring/weights.json (plain JSON: a learned refit of
the hand-set prior_weights.json). The features, reasons and spans come from
rules only, so every point a trainee sees has a reason and a place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..config import ASSETS_DIR
from ..domain import DimensionScore, Evidence

WEIGHTS_PATH = ASSETS_DIR / "scoring" / "weights.json"
MAX_SPANS_PER_ENTRY = 3


@lru_cache(maxsize=None)
def load_weights(path: Path = WEIGHTS_PATH) -> dict[str, float]:
    return {k: float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items() if not k.startswith("_")}


class Ledger:
    def __init__(self, name: str, weights: dict[str, float] | None = None):
        self.name = name
        self.weights = weights if weights is not None else load_weights()
        # the base is shown as the first reason, so the points listed add up to the score
        self.points: float = round(self.weights[f"{name}.base"])
        self.features: dict[str, float] = {}
        self.subscores: dict[str, int] = {}
        self.evidence: list[Evidence] = []
        self.reasons: list[str] = [f"{self.points:d}  starting point for any reply"]
        self._suggestions: list[tuple[int, str]] = []
        self.applicable = True  # False: the patient's line gave no opening for this dimension

    def hit(
        self, feature: str, reason: str, spans: Iterable[tuple[int, int]] = (), value: float = 1.0, sub: str | None = None
    ) -> None:
        """Record a rubric feature (value = how many times, or 1)."""
        points = round(self.weights[f"{self.name}.{feature}"] * value)
        self.features[feature] = self.features.get(feature, 0) + value
        key = sub or feature
        self.subscores[key] = self.subscores.get(key, 0) + points
        self.points += points
        self.reasons.append(f"{points:+d}  {reason}" if points else reason)
        for start, end in list(spans)[:MAX_SPANS_PER_ENTRY]:
            self.evidence.append(Evidence(start, end, self.name, points, reason))

    def suggest(self, priority: int, text: str) -> None:
        """Offer a suggestion; the most important (highest priority) one is shown."""
        self._suggestions.append((priority, text))

    def cap(self, ceiling: int, reason: str) -> None:
        if self.points > ceiling:
            self.reasons.append(f"capped at {ceiling}: {reason}")
            self.points = ceiling

    def result(self) -> DimensionScore:
        best = max(self._suggestions, default=(0, ""), key=lambda s: s[0])[1]
        self.evidence.sort(key=lambda e: (e.start, e.end))
        score = max(0, min(100, round(self.points)))
        if score != round(self.points):
            self.reasons.append(f"held at {score}: a score stays between 0 and 100")
        return DimensionScore(self.name, score, self.applicable, self.subscores, self.evidence, best, self.reasons)
