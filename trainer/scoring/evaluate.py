"""Agreement between the scorer and human labels (0-4 per dimension) on the labelled corpus."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import ASSETS_DIR
from ..domain import DIMENSIONS, CallState
from .context import ScoreContext
from .scorer import Scorer

CORPUS_PATH = ASSETS_DIR / "corpus" / "replies.jsonl"
# A second rater's labels for the same replies, given only the labelling guide (no first labels, no scorer).
SECOND_RATING_PATH = ASSETS_DIR / "corpus" / "replies_second_rating.jsonl"


@dataclass(frozen=True)
class Item:
    id: str
    situation: str
    context: ScoreContext
    reply: str
    labels: dict[str, int]
    split: str


def load_corpus(path: Path = CORPUS_PATH) -> list[Item]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            ctx = ScoreContext(d["patient_line"], d["role"], frozenset(), CallState(**d["state"]))
            items.append(Item(d["id"], d["situation"], ctx, d["reply"], d["labels"], d["split"]))
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path}:{n}: {e}") from e
    return items


def to_label(score: int) -> int:
    """A 0-100 score on the labels' 0-4 scale (0-12 -> 0, 13-37 -> 1, … 88-100 -> 4)."""
    return min(4, max(0, round(score / 25)))


def ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / (sxx * syy) ** 0.5 if sxx and syy else 0.0


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    return pearson(ranks(x), ranks(y))


def quadratic_kappa(a: list[int], b: list[int], k: int = 5) -> float:
    n = len(a)
    observed = [[0] * k for _ in range(k)]
    for i, j in zip(a, b):
        observed[i][j] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * hist_a[i] * hist_b[j] / n
    return 1 - num / den if den else 0.0


@dataclass
class Agreement:
    split: str
    n: int
    spearman: dict[str, float]
    kappa: dict[str, float]
    exact: dict[str, float]


def agreement(items: list[Item], split: str, scorer: Scorer | None = None) -> Agreement:
    scorer = scorer or Scorer()
    chosen = [it for it in items if split == "all" or it.split == split]
    predicted: dict[str, list[int]] = {d: [] for d in DIMENSIONS}
    for it in chosen:
        score = scorer.score(it.reply, it.context)
        for d in DIMENSIONS:
            predicted[d].append(score.dimension(d).score)
    return _compare(
        split,
        {d: predicted[d] for d in DIMENSIONS},
        {d: [to_label(s) for s in predicted[d]] for d in DIMENSIONS},
        {d: [it.labels[d] for it in chosen] for d in DIMENSIONS},
    )


def _compare(name: str, ranked: dict[str, list[int]], labels: dict[str, list[int]], human: dict[str, list[int]]) -> Agreement:
    """Spearman of `ranked`, and kappa and exact agreement of `labels`, against `human`, per dimension."""
    n = len(next(iter(human.values()), []))
    result = Agreement(name, n, {}, {}, {})
    for d in DIMENSIONS:
        result.spearman[d] = spearman(ranked[d], human[d]) if n else 0.0
        result.kappa[d] = quadratic_kappa(labels[d], human[d]) if n else 0.0
        result.exact[d] = sum(a == b for a, b in zip(labels[d], human[d])) / n if n else 0.0
    return result


def format_agreement(a: Agreement) -> str:
    head = f"{a.split} (first rating against the second)" if a.split == "inter-rater" else f"split {a.split}"
    lines = [f"{head}: {a.n} replies", f"  {'dimension':<11} {'Spearman':>9} {'QW kappa':>9} {'exact':>7}"]
    for d in DIMENSIONS:
        lines.append(f"  {d:<11} {a.spearman[d]:9.3f} {a.kappa[d]:9.3f} {a.exact[d]:7.0%}")
    return "\n".join(lines)


def load_second_rating(path: Path = SECOND_RATING_PATH) -> dict[str, dict[str, int]]:
    """id -> the second rater's labels (empty when no second rating is shipped)."""
    if not path.exists():
        return {}
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                d = json.loads(line)
                out[str(d["id"])] = {k: int(d["labels"][k]) for k in DIMENSIONS}
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError(f"{path}:{n}: {e}") from e
    return out


def inter_rater(items: list[Item], second: dict[str, dict[str, int]]) -> Agreement:
    """Agreement between the corpus labels and an independent second rating of the same replies."""
    both = [it for it in items if it.id in second]
    theirs = {d: [second[it.id][d] for it in both] for d in DIMENSIONS}
    return _compare("inter-rater", theirs, theirs, {d: [it.labels[d] for it in both] for d in DIMENSIONS})
