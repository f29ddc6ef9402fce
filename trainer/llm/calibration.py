"""Is the configured model fit to give a second opinion? A built-in test: ~30 ordered reply pairs (a better
and a worse reply to the same patient line, assets/llm/judge_calibration.json). The judge grades both
replies of each pair; its accuracy is the share of pairs where the better one gets the higher overall.
The judge is offered only when that accuracy reaches PASS_MARK for the model in use. Qt-free."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .client import LLMClient, LLMError
from .judge import build_messages, parse_verdict, sanitise

CALIBRATION_FILE = Path(__file__).resolve().parents[2] / "assets" / "llm" / "judge_calibration.json"
PASS_MARK = 0.8
MAX_FILE_BYTES = 512_000
MAX_TEXT = 600


@dataclass(frozen=True)
class Pair:
    patient: str
    better: str
    worse: str


@dataclass(frozen=True)
class Calibration:
    correct: int
    total: int
    failures: int = 0  # replies the judge could not grade (each loses its pair)
    seconds: float = 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def passed(self) -> bool:
        return self.total > 0 and self.accuracy >= PASS_MARK

    def summary(self) -> str:
        verdict = "the judge is offered" if self.passed else f"below {PASS_MARK:.0%}: the judge stays hidden"
        extra = f", {self.failures} replies not graded" if self.failures else ""
        return (
            f"Judge calibration: {self.correct} of {self.total} pairs ordered right "
            f"({self.accuracy:.0%}{extra}, {self.seconds:.0f} s); {verdict}."
        )


def load_pairs(path: Path = CALIBRATION_FILE) -> list[Pair]:
    """The pairs, checked: a missing, oversized or malformed file raises ValueError naming what and where."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ValueError(f"{path}: cannot be read ({e.strerror or e})") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not JSON (line {e.lineno}: {e.msg})") from None
    raw = data.get("pairs") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{path}: no 'pairs' list")
    pairs = []
    for i, p in enumerate(raw):
        if not isinstance(p, dict) or not all(
            isinstance(p.get(k), str) and 0 < len(p[k]) <= MAX_TEXT for k in ("patient", "better", "worse")
        ):
            raise ValueError(f"{path}: pair {i + 1} needs 'patient', 'better' and 'worse' texts of 1-{MAX_TEXT} chars")
        pairs.append(Pair(p["patient"], p["better"], p["worse"]))
    return pairs


Grader = Callable[[str, str], "int | None"]  # (patient line, reply) -> overall 0-100, None when it failed


def calibrate(
    judge: Grader,
    pairs: list[Pair] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Calibration:
    """Grade both replies of every pair; a pair counts when the better reply scores strictly higher."""
    pairs = load_pairs() if pairs is None else pairs
    t0 = time.monotonic()
    correct = failures = 0
    for i, pair in enumerate(pairs):
        if cancelled and cancelled():
            break
        better, worse = judge(pair.patient, pair.better), judge(pair.patient, pair.worse)
        failures += (better is None) + (worse is None)
        if better is not None and worse is not None and better > worse:
            correct += 1
        if progress:
            progress(i + 1, len(pairs))
    return Calibration(correct, len(pairs), failures, time.monotonic() - t0)


def model_grader(client: LLMClient, role: str = "hospital_billing", seed: int | None = 0) -> Grader:
    """The judge as the app runs it (same rubric, same filtering), answering with the overall score."""

    def grade(patient_line: str, reply: str) -> int | None:
        graded, _ = sanitise(reply)
        if not graded.strip():
            return None
        try:
            text = client.complete(build_messages(patient_line, graded, role), max_tokens=160, temperature=0.0, seed=seed)
            return parse_verdict(text).overall
        except (LLMError, ValueError):
            return None

    return grade


def calibrated_for(base_url: str, model: str) -> str:
    """The key a calibration result is stored under: another server or model needs a new run."""
    return f"{base_url.strip()} {model.strip()}"


def judge_offered(settings: object, base_url: str, model: str) -> bool:
    """The judge may be switched on: the last calibration, for this server and model, passed."""
    accuracy = getattr(settings, "llm_judge_accuracy", -1.0)
    return (
        isinstance(accuracy, (int, float))
        and accuracy >= PASS_MARK
        and getattr(settings, "llm_judge_calibrated_for", "") == calibrated_for(base_url, model)
    )
