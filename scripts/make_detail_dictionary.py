"""Write the preset dictionary that packs stored score details: python scripts/make_detail_dictionary.py

Run once per dictionary version, never again for a shipped one: stored details need the exact
bytes they were packed with (see trainer/store/detail.py). The dictionary holds the words a detail
repeats: JSON keys, reasons, suggestions, rule titles and sources, gathered by scoring the train
split of the labelled corpus, and some whole details. Deflate reaches back 32 kB, and nearer is
cheaper, so the most frequent strings go last. The held-back split is used only to print how well it packs.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.scoring import Scorer
from trainer.scoring.evaluate import load_corpus
from trainer.scoring.rules import RULES
from trainer.store.detail import DICTIONARY_1

WINDOW = 32 * 1024
STRING = re.compile(r'"(?:[^"\\]|\\.)*"(?:: )?')


def details(split: str) -> list[str]:
    scorer = Scorer()
    return [json.dumps(scorer.score(it.reply, it.context).to_dict()) for it in load_corpus() if it.split == split]


def build(samples: list[str]) -> bytes:
    """Half the window: single strings, most frequent last; the other half: whole details, nearest of all."""
    counts = Counter(s for text in samples for s in STRING.findall(text))
    for rule in RULES.values():
        counts[json.dumps(rule.title)] += 1
        counts[json.dumps(rule.source)] += 1
    strings: list[str] = []
    size = 0
    for s, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if size + len(s.encode()) + 1 > WINDOW // 2:
            break
        strings.append(s)
        size += len(s.encode()) + 1
    wholes: list[str] = []
    size = 0
    for text in random.Random(1).sample(samples, len(samples)):
        if size + len(text.encode()) > WINDOW // 2:
            break
        wholes.append(text)
        size += len(text.encode())
    return (" ".join(reversed(strings)) + " " + "".join(wholes)).encode("utf-8")


def main() -> None:
    if DICTIONARY_1.exists() and "--force" not in sys.argv:
        sys.exit(f"{DICTIONARY_1} exists; stored details depend on it. Add a new codec instead (or --force).")
    data = build(details("train"))
    DICTIONARY_1.parent.mkdir(parents=True, exist_ok=True)
    DICTIONARY_1.write_bytes(data)
    heldout = details("heldout")
    plain = [len(zlib.compress(t.encode(), 6)) for t in heldout]
    primed = []
    for t in heldout:
        c = zlib.compressobj(6, zlib.DEFLATED, -15, zdict=data)
        primed.append(len(c.compress(t.encode()) + c.flush()) + 1)
    print(
        f"wrote {DICTIONARY_1} ({len(data):,} bytes); held-back details: median {statistics.median(map(len, heldout)):.0f} "
        f"bytes of JSON, {statistics.median(plain):.0f} deflated, {statistics.median(primed):.0f} with the dictionary"
    )


if __name__ == "__main__":
    main()
