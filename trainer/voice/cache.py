"""A folder of finished audio files, keyed by everything that shapes the sound.

The key is a SHA-256 of (kind, text, voice settings, engine, effect version), so a
replayed scenario costs nothing and a change of voice, speed, engine or effect never
reuses a stale file. The folder is bounded: beyond ``max_bytes`` the least recently
used files go first (a hit refreshes a file's time).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Callable

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
SUFFIX = ".wav"


def cache_key(text: str, voice: str, engine: str, effect_version: int | str, kind: str = "line") -> str:
    blob = json.dumps(
        {"kind": kind, "text": text, "voice": voice, "engine": engine, "effect": str(effect_version)},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class AudioCache:
    def __init__(self, folder: Path | str, max_bytes: int = DEFAULT_MAX_BYTES):
        self.folder = Path(folder)
        self.max_bytes = int(max_bytes)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def path_for(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str) -> Path | None:
        """The cached file, or None. An empty or truncated file counts as absent."""
        p = self.path_for(key)
        try:
            if p.stat().st_size > 44:
                with contextlib.suppress(OSError):
                    os.utime(p, None)  # recently used: evicted last
                self.hits += 1
                return p
        except OSError:
            pass
        self.misses += 1
        return None

    def get_or_make(self, key: str, make: Callable[[Path], object]) -> Path:  # what make returns is not used
        """Return the cached file, or call ``make(tmp_path)`` to write it, then store it."""
        hit = self.get(key)
        if hit is not None:
            return hit
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.path_for(key)
        tmp = self.folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp{SUFFIX}"
        try:
            make(tmp)
            if not tmp.exists() or tmp.stat().st_size <= 44:
                raise RuntimeError("the audio file was not written")
            os.replace(tmp, final)  # atomic: readers never see half a file
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.evict()
        return final

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return [p for p in self.folder.iterdir() if p.suffix == SUFFIX and not p.name.startswith(".")]

    def size(self) -> int:
        total = 0
        for p in self.files():
            with contextlib.suppress(OSError):
                total += p.stat().st_size
        return total

    def evict(self, keep: Path | None = None) -> int:
        """Delete the least recently used files until the folder fits; returns how many."""
        with self._lock:
            entries = []
            for p in self.files():
                with contextlib.suppress(OSError):
                    st = p.stat()
                    entries.append((st.st_mtime, st.st_size, p))
            total = sum(e[1] for e in entries)
            removed = 0
            for _mtime, size, p in sorted(entries, key=lambda e: e[0]):
                if total <= self.max_bytes:
                    break
                if keep is not None and p == keep:
                    continue
                with contextlib.suppress(OSError):
                    p.unlink()
                    total -= size
                    removed += 1
            # stray temporary files older than an hour (a crash mid-write)
            if self.folder.is_dir():
                for p in self.folder.glob(".*.tmp" + SUFFIX):
                    with contextlib.suppress(OSError):
                        if time.time() - p.stat().st_mtime > 3600:
                            p.unlink()
            return removed

    def clear(self) -> None:
        for p in self.files():
            with contextlib.suppress(OSError):
                p.unlink()
