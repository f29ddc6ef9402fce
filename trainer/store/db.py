"""Open the trainer's SQLite database safely: check it, migrate it, never overwrite a bad file."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Protocol, TypeAlias

import sqlite_utils

from .errors import StoreError, busy_or_full
from .migrate import UpgradeNotice, columns_of, expected_columns, migrate
from .schema import CURRENT_VERSION, PAGE_SIZE
from .detail import shown_score
from .verdicts import keep_current, register

SQLITE_HEADER = b"SQLite format 3\x00"


class HasDatabase(Protocol):
    """A Store, or anything else that holds its sqlite_utils.Database as .db."""

    @property
    def db(self) -> sqlite_utils.Database: ...


# What the readers (queries, reports, xapi ...) accept: each works on the plain sqlite3 connection.
DatabaseLike: TypeAlias = sqlite3.Connection | sqlite_utils.Database | HasDatabase


def connection(db: DatabaseLike) -> sqlite3.Connection:
    """The sqlite3 connection behind a Store, a sqlite_utils.Database, or a connection itself."""
    if isinstance(db, sqlite3.Connection):
        return db
    if isinstance(db, sqlite_utils.Database):
        return db.conn
    inner = getattr(db, "db", None)
    if isinstance(inner, sqlite_utils.Database):
        return inner.conn
    raise TypeError(f"expected a Store, a sqlite_utils.Database or a sqlite3.Connection, not {type(db).__name__}")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def open_database(path: Path, on_upgrade: UpgradeNotice | None = None) -> sqlite_utils.Database:
    path = Path(path)
    _check_folder(path.parent)
    _check_file(path)
    new = not path.exists() or path.stat().st_size == 0
    try:
        db = sqlite_utils.Database(path)
        register_functions(db.conn)
        _refuse_foreign(db, path)  # before any write: another program's database is never changed
        if new:  # fixed once the file is made; rows of turns are ~600 bytes, and a big import is 20% faster
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable at each commit but the last on power loss
        db.execute("PRAGMA journal_size_limit=67108864")  # the WAL shrinks back to 64 MB after a big import
        _migrate(db, path, on_upgrade)
        _check_tables(db.conn, path)
        keep_current(db.conn)
    except sqlite3.DatabaseError as e:
        passing = busy_or_full(e)
        if passing == "full":
            raise StoreError(
                f"The disk holding {path} is full, so the trainer's data cannot be opened. Free some "
                "space and start again; the file itself was left as it was.",
                path,
                "full",
            ) from e
        if passing == "locked":
            raise StoreError(
                f"Another program is holding {path} locked. Close it (or wait a moment) and start "
                "again; the file was left as it was.",
                path,
                "locked",
            ) from e
        raise StoreError(
            f"The database {path} is damaged or is not a trainer database ({e}). "
            "It was left untouched; move it aside to start a new one.",
            path,
            "corrupt",
        ) from e
    return db


def register_functions(conn: sqlite3.Connection) -> None:
    """What every connection to the trainer's database needs: the verdict rule, the n/a rule, and text
    that never stops a report (a damaged cell reads with U+FFFD)."""
    register(conn)
    conn.create_function("shown_score", 3, shown_score, deterministic=True)
    conn.text_factory = _text


def second_connection(path: Path, read_only: bool = True) -> sqlite3.Connection:
    """A second connection to an open trainer database, for work on another thread (an export, a send);
    the caller closes it."""
    mode = "?mode=ro" if read_only else ""
    conn = sqlite3.connect(Path(path).resolve().as_uri() + mode, uri=True, timeout=30)
    register_functions(conn)
    return conn


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")  # U+FFFD marks the damaged bytes


def move_aside(path: Path) -> Path:
    """Rename a bad database (and its WAL files) so a fresh one can be made; returns the new name."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(path) + suffix)
        if src.exists():
            src.rename(Path(str(target) + suffix))
    return target


def _check_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(
            f"Cannot create the data folder {folder}: {e.strerror or e}. Choose another folder "
            "with --data-dir or the BILLING_TRAINER_DATA_DIR variable.",
            folder,
            "unwritable",
        ) from e
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"The data folder {folder} is not writable. Choose another folder with --data-dir "
            "or the BILLING_TRAINER_DATA_DIR variable.",
            folder,
            "unwritable",
        )


def _check_file(path: Path) -> None:
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file.", path, "corrupt")
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as e:
        raise StoreError(f"Cannot read the database {path}: {e.strerror or e}.", path, "unwritable") from e
    if head and head != SQLITE_HEADER:
        raise StoreError(
            f"The file {path} is not an SQLite database. It was left untouched; move it aside to start a new one.",
            path,
            "corrupt",
        )
    if not os.access(path, os.W_OK):
        raise StoreError(
            f"The database {path} is read-only. Make it writable or choose another data folder with --data-dir.",
            path,
            "unwritable",
        )


def _check_tables(conn: sqlite3.Connection, path: Path) -> None:
    """A table or column that a migration made and something later removed: refuse before anything is written
    (a call would otherwise fail half-way, leaving a session row behind)."""
    have = columns_of(conn)
    missing: list[str] = []
    for table, columns in expected_columns().items():
        if table not in have:
            missing.append(f"table {table}")
        else:
            missing += [f"column {table}.{c}" for c in sorted(columns - have[table])]
    if missing:
        raise StoreError(
            f"The database {path} is damaged: {', '.join(missing[:5])} is missing. It was left "
            "untouched; move it aside to start a new one (or restore a backup).",
            path,
            "corrupt",
        )


def _refuse_foreign(db: sqlite_utils.Database, path: Path) -> None:
    if not db["schema_version"].exists() and db.table_names():
        raise StoreError(
            f"{path} is an SQLite database, but not the trainer's. It was left untouched; "
            "move it aside or choose another data folder.",
            path,
            "foreign",
        )


def _migrate(db: sqlite_utils.Database, path: Path, on_upgrade: UpgradeNotice | None) -> None:
    if not db["schema_version"].exists():
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    version: int = db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
    if version > CURRENT_VERSION:
        raise StoreError(
            f"{path} was written by a newer version of the trainer (schema {version}; this "
            f"version knows {CURRENT_VERSION}). Update the app to open it.",
            path,
            "newer",
        )
    migrate(db, path, now(), on_upgrade)  # an older database is backed up beside itself, then upgraded in place
