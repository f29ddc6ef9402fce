"""How common an English word is (Zipf scale: 7 "the" … 3 "deductible" … 0 unseen), and its syllables.

The frequencies are wordfreq's small English list (a maintained package built from many
corpora of everyday text), read straight from its data file: importing wordfreq itself
takes half a second, reading its 125 kB list about 60 ms, once per process.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

import msgpack

UNSEEN = 1.5  # Zipf value for a word too rare to be on the list (the list stops near 3)


def _data_file() -> Path:
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the wordfreq package is not installed (pip install -e .)")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "small_en.msgpack.gz"


@lru_cache(maxsize=1)
def zipf_table() -> dict[str, float]:
    """Word -> Zipf frequency. The file is a header, then one list of words per centibel step."""
    with gzip.open(_data_file(), "rb") as f:
        data = msgpack.load(f, raw=False)
    if not isinstance(data, list) or not data or not isinstance(data[0], dict) or data[0].get("format") != "cB":
        raise RuntimeError(f"unexpected wordfreq data format in {_data_file()}")
    table: dict[str, float] = {}
    for step, bucket in enumerate(data[1:]):
        for word in bucket:
            table.setdefault(word, round(9.0 - step / 100, 2))
    return table


def zipf(word: str) -> float:
    return zipf_table().get(word.lower().replace("’", "'"), UNSEEN)


_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """A count good enough to tell one-beat words from five-beat ones (no dictionary needed)."""
    w = word.lower()
    count = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)
