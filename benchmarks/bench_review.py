"""Reviewing a real call: time and peak memory to parse, redact and score transcripts of three sizes.

A one-hour call (~60 kB, ~400 turns), the largest file accepted (2 MB, 2 000 turns) and a hostile
2 MB file of one speaker's single turn of digits and dates. All text is synthetic.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.review.decode import MAX_BYTES  # noqa: E402
from trainer.review.parse import MAX_TURNS, parse_transcript  # noqa: E402
from trainer.review.score import review_transcript  # noqa: E402

STAFF = [
    "Thank you for calling billing, this is Sam. How can I help?",
    "Before we look at the account, can I have your full name and date of birth?",
    "I understand this is stressful. Your balance is $1,210.00; we can set up a payment plan.",
    "We have a financial assistance program; I can mail the application today.",
    "Please don't read your card number to me; I'll text you our secure payment link.",
]
PATIENT = [
    "Hi, my name is Ines Beaulieu, I got a bill I don't understand.",
    "Ines Beaulieu, March 14th, 1962. Account 88812345.",
    "I lost my job and I can't afford this.",
    "My card is 4111 1111 1111 1111. Call me at 555-201-3344.",
    "OK, thank you. My email is ines.b@example.org.",
]


def call(turns: int, limit: int, sentences: int = 3) -> bytes:
    rng = random.Random(7)
    lines = []
    for i in range(turns):
        side, pool = ("Agent", STAFF) if i % 2 == 0 else ("Patient", PATIENT)
        lines.append(f"{side}: {' '.join(rng.choice(pool) for _ in range(rng.randint(1, sentences)))}")
    data = "\n".join(lines).encode()
    return data[:limit].rsplit(b"\n", 1)[0] if len(data) > limit else data


def measure(label: str, data: bytes) -> None:
    start = time.perf_counter()
    transcript = parse_transcript(data, "bench.txt")
    parsed = time.perf_counter()
    review = review_transcript(transcript)
    done = time.perf_counter()
    print(
        f"   {label}: {len(data) / 1024:,.0f} kB, {len(transcript.turns):,} turns "
        f"({len(review.staff_turns):,} scored): parse {(parsed - start) * 1000:,.0f} ms, "
        f"redact + score {done - parsed:,.1f} s, {sum(review.redaction_counts().values()):,} redactions"
    )


def main() -> None:
    measure("one-hour call", call(400, 10**9))
    measure("largest accepted", call(MAX_TURNS, MAX_BYTES, 30))
    digits = ("Agent: hello\nPatient: " + " ".join(f"{i:08d} 3/14/1962" for i in range(10**6)))[:MAX_BYTES].encode()
    measure("hostile single turn", digits[:MAX_BYTES])
    print(f"   peak memory (RSS) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
