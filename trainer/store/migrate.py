"""Bring a database up to the current schema: back it up beside itself first, then upgrade in place."""

from __future__ import annotations

import datetime as dt
import sqlite3
from functools import cache
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from .detail import pack
from .errors import StoreError
from .relabel import relabel_detail
from .schema import CURRENT_VERSION, MIGRATIONS, PAGE_SIZE


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
    return version


def backup_path(path: Path, version: int) -> Path:
    """A free name beside the database, e.g. trainer.db.v1-backup-20260522-143000."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-backup-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.v{version}-backup-{stamp}-{n}")
    return target


def write_backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """A consistent copy of the open database (WAL contents included), written and closed before returning."""
    target = backup_path(path, version)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    finally:
        dest.close()
    return target


# Told (from version, to version) before an existing database is backed up and upgraded: at class
# scale that takes a few minutes, and the user should know why nothing seems to happen.
UpgradeNotice = Callable[[int, int], None]


@cache
def expected_columns() -> dict[str, frozenset[str]]:
    """Every table the current schema has, with its columns: the migrations applied to an empty database."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.create_function("pack_detail", 1, pack, deterministic=True)
        conn.create_function("relabel_detail", 1, relabel_detail, deterministic=True)
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
        for _, sql in MIGRATIONS:
            conn.executescript(sql)
        return columns_of(conn)
    finally:
        conn.close()


def columns_of(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: frozenset(r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')) for t in tables}


def migrate(db: sqlite_utils.Database, path: Path, now: str, on_upgrade: UpgradeNotice | None = None) -> Path | None:
    """Apply the migrations the database lacks; returns the backup written, if any.

    The caller has checked that the file is the trainer's and not newer than this version. Each
    migration runs in its own transaction; on failure it is rolled back and StoreError names the backup.
    """
    conn = db.conn
    version = schema_version(conn)
    if version >= CURRENT_VERSION:
        return None
    if version > 0 and on_upgrade:
        on_upgrade(version, CURRENT_VERSION)
    backup = write_backup(conn, path, version) if version > 0 else None
    conn.create_function("pack_detail", 1, pack, deterministic=True)
    conn.create_function("relabel_detail", 1, relabel_detail, deterministic=True)
    for number, sql in MIGRATIONS:
        if number <= version:
            continue
        try:
            conn.executescript(f"BEGIN; {sql}; INSERT INTO schema_version VALUES ({number}, '{now}'); COMMIT;")
        except sqlite3.Error as e:
            if conn.in_transaction:
                conn.rollback()
            kept = f" A copy made before the upgrade is at {backup}." if backup else ""
            raise StoreError(
                f"Could not upgrade the database {path} to schema {number} ({e}). It was left at "
                f"schema {schema_version(conn)}.{kept}",
                path,
                "migration",
            ) from e
    compact(conn)
    return backup


def compact(conn: sqlite3.Connection) -> None:
    """Give back the space an upgrade freed (schema 3 rewrote every turn: a file of 5.8 GB held 0.7 GB),
    with today's page size (kept as it was while another connection holds the file in WAL mode)."""
    pages, free = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count"))
    if free * 2 < pages:
        return
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    if conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete":  # page_size cannot change in WAL
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
    conn.execute("VACUUM")
    conn.execute(f"PRAGMA journal_mode={mode}")
