"""Learn the technical-register word table: python scripts/train_register.py

From the corpus's explanation replies (the `explain_` situations: the same billing terms explained
in plain and in technical words, written for this project and shipped under its licence), train split
only: each word's smoothed log-odds of appearing in a reply rated technical (clarity 0-1) rather than
plain (clarity 3-4). Words seen fewer than MIN_COUNT times are left out. Writes
assets/scoring/register.json (plain JSON); the held-back split is never read.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.scoring.evaluate import load_corpus  # noqa: E402
from trainer.scoring.register import REGISTER_PATH  # noqa: E402

MIN_COUNT = 3
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def main() -> None:
    items = [it for it in load_corpus() if it.split == "train" and it.situation.startswith("explain_")]
    plain, technical = Counter(), Counter()
    n_plain = n_technical = 0
    for it in items:
        words = set(WORD.findall(it.reply.lower()))
        if it.labels["clarity"] >= 3:
            plain.update(words)
            n_plain += 1
        elif it.labels["clarity"] <= 1:
            technical.update(words)
            n_technical += 1
    table = {
        w: round(math.log((technical[w] + 1) / (n_technical + 2)) - math.log((plain[w] + 1) / (n_plain + 2)), 3)
        for w in sorted(set(plain) | set(technical))
        if plain[w] + technical[w] >= MIN_COUNT
    }
    out = {
        "_about": "Log-odds of each word in technical rather than plain explanations (scripts/train_register.py); "
        f"{n_technical} technical and {n_plain} plain replies from the train split.",
        "words": table,
    }
    REGISTER_PATH.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {REGISTER_PATH}: {len(table)} words from {n_technical} technical and {n_plain} plain replies")


if __name__ == "__main__":
    main()
