"""The error the store raises for a database or folder the app cannot use (its own module: db and migrate share it)."""
from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """A database or data folder the app cannot use; the message names the path and what to do."""

    def __init__(self, message: str, path: Path, kind: str):
        super().__init__(message)
        self.path = path
        self.kind = kind  # "unwritable", "corrupt", "newer", "migration"

    @property
    def can_move_aside(self) -> bool:
        return self.kind == "corrupt"
