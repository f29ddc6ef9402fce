"""A score's detail (the JSON of Score.to_dict) as stored: deflated with a fixed preset dictionary.

A detail is about 1.7 kB of JSON, most of it the rubric's own words (reasons, suggestions, rule
titles), so deflate primed with those words brings it to about 120 bytes (plain deflate: 670); at
millions of turns that was most of the database. The first byte names the codec; a dictionary, once shipped, is
never changed (a new one gets a new codec byte), or stored details could no longer be read.
"""

from __future__ import annotations

import json
import zlib
from functools import cache

from ..config import ASSETS_DIR

DICTIONARY_1 = ASSETS_DIR / "store" / "detail-dictionary-1.txt"
CODEC_DEFLATE_1 = 1  # raw deflate, level 6, primed with DICTIONARY_1


class DetailError(ValueError):
    """A stored detail that cannot be read."""


@cache
def _dictionary(codec: int) -> bytes:
    if codec != CODEC_DEFLATE_1:
        raise DetailError(f"unknown score-detail codec {codec} (written by a newer version of the trainer?)")
    return DICTIONARY_1.read_bytes()


# Primed once and copied for each detail: priming reads the whole 32 kB dictionary, 3 times the cost
# of packing a detail.
@cache
def _packer() -> "zlib._Compress":  # typeshed's name for what compressobj returns
    return zlib.compressobj(6, zlib.DEFLATED, -15, zdict=_dictionary(CODEC_DEFLATE_1))


@cache
def _unpacker(codec: int) -> "zlib._Decompress":
    return zlib.decompressobj(-15, zdict=_dictionary(codec))


def pack(text: str) -> bytes:
    """The detail's JSON text, packed for storage."""
    c = _packer().copy()
    return bytes([CODEC_DEFLATE_1]) + c.compress(text.encode("utf-8")) + c.flush()


def unpack(stored: bytes | str) -> str:
    """The JSON text of a stored detail (text as written before details were packed is returned as is)."""
    if isinstance(stored, str):
        return stored
    if not stored:
        raise DetailError("empty score detail")
    try:
        d = _unpacker(stored[0]).copy()
        return (d.decompress(stored[1:]) + d.flush()).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as e:
        raise DetailError(f"damaged score detail ({e})") from e


def shown_score(stored: bytes | str | None, dimension: str, value: int | None) -> int | None:
    """A turn's score for one dimension as every view shows it: None (n/a) when the detail says the
    dimension did not apply (the number stored beside it is kept only for the overall's arithmetic).
    Registered for SQL as shown_score(detail, dimension, value)."""
    if stored is None or dimension not in ("empathy", "clarity", "compliance"):
        return value
    try:
        applicable = json.loads(unpack(stored)).get(dimension, {}).get("applicable", True)
    except (DetailError, ValueError, AttributeError):
        return value
    return value if applicable is not False else None
