"""The error the store raises for a database or folder the app cannot use (its own module: db and migrate share it)."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """A database or data folder the app cannot use; the message names the path and what to do."""

    def __init__(self, message: str, path: Path, kind: str):
        super().__init__(message)
        self.path = path
        self.kind = kind  # "unwritable", "full", "locked", "corrupt", "foreign", "newer", "migration"

    @property
    def can_move_aside(self) -> bool:
        """Only a file that is not a usable trainer database is offered to be moved aside (never a
        healthy one that merely cannot be written now)."""
        return self.kind in ("corrupt", "foreign")


def busy_or_full(e: Exception) -> str | None:
    """'full' or 'locked' when an SQLite error means the disk is full or another program holds the
    file: passing conditions, never damage."""
    text = str(e).lower()
    if "disk is full" in text or "no space" in text:
        return "full"
    if "locked" in text or "busy" in text:
        return "locked"
    return None
