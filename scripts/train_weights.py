"""Refit the scorer's feature weights on the corpus's train split: python scripts/train_weights.py

Each dimension's score is base + sum(weight x feature). Starting from the hand-set
prior (assets/scoring/prior_weights.json), a ridge regression pulls each weight
toward what the human labels (x25) imply, shrinking toward the prior, with the
penalty chosen by 5-fold cross-validation on the train split. The rubric keeps
the last word: every weight stays within half to double its hand-set size (a
credit stays a credit, a cost a cost), and each base within 10% of its prior, so
the data tunes sizes without undoing the rubric. The held-back split is never read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.domain import DIMENSIONS  # noqa: E402
from trainer.scoring import Scorer  # noqa: E402
from trainer.scoring.evaluate import load_corpus, quadratic_kappa, spearman, to_label  # noqa: E402
from trainer.scoring.ledger import WEIGHTS_PATH, load_weights  # noqa: E402

PRIOR_PATH = WEIGHTS_PATH.with_name("prior_weights.json")
PENALTIES = (1, 3, 10, 30, 100, 300, 1000)
FOLDS = 5


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are ~20 x 20)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[col][col]:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def ridge_to_prior(rows: list[list[float]], y: list[float], prior: list[float], penalty: float) -> list[float]:
    k = len(prior)
    a = [[sum(r[i] * r[j] for r in rows) + (penalty if i == j else 0) for j in range(k)] for i in range(k)]
    b = [sum(r[i] * t for r, t in zip(rows, y)) + penalty * prior[i] for i in range(k)]
    return [clamp(v, p, i == 0) for i, (v, p) in enumerate(zip(solve(a, b), prior))]


def clamp(value: float, prior: float, base: bool) -> float:
    """Keep a fitted weight within the rubric's bounds around its prior."""
    if base:
        return min(max(value, prior * 0.9), prior * 1.1)
    if prior == 0:
        return min(max(value, 0.0), 15.0)
    low, high = sorted((prior * 0.5, prior * 2))
    return min(max(value, low), high)


def predict(rows, w):
    return [max(0.0, min(100.0, sum(x * c for x, c in zip(r, w)))) for r in rows]


def mse(pred, y):
    return sum((p - t) ** 2 for p, t in zip(pred, y)) / len(y)


def main() -> None:
    prior_all = {k: v for k, v in json.loads(PRIOR_PATH.read_text()).items() if not k.startswith("_")}
    scorer = Scorer()
    train = [it for it in load_corpus() if it.split == "train"]
    found = [(it, scorer.analyse(it.reply, it.context)) for it in train]
    found = [(it, a) for it, a in found if a is not None]
    fitted = dict(prior_all)
    report = {}
    for dim in DIMENSIONS:
        names = sorted(k.split(".", 1)[1] for k in prior_all if k.startswith(dim + ".") and k != f"{dim}.base")
        prior = [prior_all[f"{dim}.base"]] + [prior_all[f"{dim}.{n}"] for n in names]
        rows, y = [], []
        for it, a in found:
            if dim == "compliance" and a.blockers:
                continue  # a breach scores 0 whatever the weights
            feats = a.ledgers[dim].features
            rows.append([1.0] + [feats.get(n, 0.0) for n in names])
            y.append(it.labels[dim] * 25.0)
        best = None
        for penalty in PENALTIES:
            err = 0.0
            for f in range(FOLDS):
                fit_rows = [r for i, r in enumerate(rows) if i % FOLDS != f]
                fit_y = [t for i, t in enumerate(y) if i % FOLDS != f]
                w = ridge_to_prior(fit_rows, fit_y, prior, penalty)
                test = [i for i in range(len(rows)) if i % FOLDS == f]
                err += mse(predict([rows[i] for i in test], w), [y[i] for i in test]) * len(test)
            err /= len(rows)
            if best is None or err < best[0]:
                best = (err, penalty)
        w = ridge_to_prior(rows, y, prior, best[1])
        for name, value in zip(["base"] + names, w):
            fitted[f"{dim}.{name}"] = round(value, 1)
        prior_err = mse(predict(rows, prior), y)
        report[dim] = {
            "penalty": best[1],
            "cv_rmse": round(best[0] ** 0.5, 1),
            "prior_rmse": round(prior_err**0.5, 1),
            "n": len(rows),
        }
        print(
            f"{dim:<11} n={len(rows)}  penalty={best[1]:<5} CV RMSE {best[0] ** 0.5:5.1f}  (prior weights: {prior_err**0.5:5.1f})"
        )
    out = {
        "_about": "Fitted by scripts/train_weights.py on the train split of assets/corpus/replies.jsonl; "
        "see prior_weights.json for the hand-set starting point.",
        "_fit": report,
        **fitted,
    }
    WEIGHTS_PATH.write_text(json.dumps(out, indent=2) + "\n")
    load_weights.cache_clear()
    refit = Scorer()
    for dim in DIMENSIONS:
        pred = [refit.score(it.reply, it.context).dimension(dim).score for it in train]
        human = [it.labels[dim] for it in train]
        print(
            f"{dim:<11} train Spearman {spearman(pred, human):.3f}  "
            f"QW kappa {quadratic_kappa([to_label(p) for p in pred], human):.3f}"
        )
    print(f"wrote {WEIGHTS_PATH}")


if __name__ == "__main__":
    main()
