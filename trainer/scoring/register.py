"""How technical a reply sounds: the mean log-odds of its words in technical rather than plain explanations.

The word table (assets/scoring/register.json) is learned by scripts/train_register.py from the
project's own plain and technical explanations of billing terms; unknown words count as neutral.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..config import ASSETS_DIR

REGISTER_PATH = ASSETS_DIR / "scoring" / "register.json"
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@lru_cache(maxsize=1)
def register_table(path: Path = REGISTER_PATH) -> dict[str, float]:
    if not path.exists():
        return {}
    return {str(k): float(v) for k, v in json.loads(path.read_text(encoding="utf-8"))["words"].items()}


def technical_register(text: str) -> float:
    """Mean log-odds per word (0 for everyday words or none known); above 0 leans technical."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    table = register_table()
    return sum(table.get(w, 0.0) for w in words) / len(words)
