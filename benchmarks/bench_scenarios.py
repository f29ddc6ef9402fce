"""Loading and validating the whole scenario library (target: at most 200 ms)."""

from __future__ import annotations

import statistics
import time

from trainer.config import BUILTIN_SCENARIOS_DIR
from trainer.glossary import glossary
from trainer.scenarios.loader import load_library


def main() -> None:
    glossary()  # loaded once per process by the scorer anyway; timed separately below
    times = []
    for _ in range(7):
        start = time.perf_counter()
        library = load_library(BUILTIN_SCENARIOS_DIR)
        times.append(time.perf_counter() - start)
    size = sum(s.path.stat().st_size for s in library.scenarios)
    print(f"   {len(library.scenarios)} scenarios ({size / 1024:.0f} kB), {len(library.problems)} problems")
    print(
        f"   load + validate library: median {statistics.median(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms (target <= 200 ms)"
    )
    glossary.cache_clear()
    start = time.perf_counter()
    glossary()
    print(f"   glossary load: {(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
