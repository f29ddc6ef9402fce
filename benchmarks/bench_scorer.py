"""Scorer speed on one core: start-up (import + data) and per-reply latency over the corpus."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTUP = r"""
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from trainer.scoring import Scorer, ScoreContext
Scorer().score("Thank you for calling; I'm sorry about the bill.", ScoreContext("Why is my bill so high?"))
print(time.perf_counter() - t0)
"""


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", STARTUP, str(ROOT)], capture_output=True, text=True, check=True)
        runs.append(float(out.stdout.strip()))
    print(
        f"   scorer start-up (import + word lists + glossary + first score): median "
        f"{statistics.median(runs) * 1000:.0f} ms (target <= 300 ms)"
    )

    from trainer.scoring import Scorer
    from trainer.scoring.evaluate import load_corpus

    items = load_corpus()
    scorer = Scorer()
    times = []
    for _ in range(3):
        for it in items:
            start = time.perf_counter()
            scorer.score(it.reply, it.context)
            times.append(time.perf_counter() - start)
    times.sort()
    p50, p95, worst = times[len(times) // 2], times[int(len(times) * 0.95)], times[-1]
    print(
        f"   per reply over {len(items)} corpus replies x3: p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
        f"max {worst * 1000:.2f} ms (target p95 <= 5 ms)"
    )
    long_reply = "I understand this is frustrating, and your deductible is the part you pay first. " * 2000
    start = time.perf_counter()
    scorer.score(long_reply)
    print(f"   a {len(long_reply):,}-character paste (capped): {(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
