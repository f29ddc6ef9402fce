"""Older bundles brought to today's format as they are read: format 1 (turns and scores in two tables),
and bundles from before schema 4 (threats filed under the financial-assistance rule).

Either way the rows are copied into a new file made with BUNDLE_SCHEMA, and only that copy is
changed: nothing is ever written to a file as the bundle brought it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .. import relabel
from ..detail import pack
from ..schema import PAGE_SIZE
from .format import COLUMNS, MAX_VALUE_BYTES, SINCE_SCHEMA, BundleError, Manifest, printable, schema_statements


def needs_copy(conn: sqlite3.Connection, manifest: Manifest) -> bool:
    """Whether the bundle must be brought to today's format (conn: a read-only connection to its data)."""
    if manifest["format_version"] == 1:
        return True
    if manifest["schema_version"] >= 4:
        return False
    return conn.execute("SELECT 1 FROM score_blockers WHERE rule_id = ? LIMIT 1", [relabel.OLD_ID]).fetchone() is not None


def upgrade(path: Path, manifest: Manifest, source: Path, target: Path) -> None:
    """The bundle's data (source) written to target in today's format, its misfiled threats re-filed."""
    conn = sqlite3.connect(target)
    try:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        conn.create_function("pack_detail", 1, _pack_text, deterministic=True)
        conn.create_function("relabel_detail", 1, relabel.relabel_detail, deterministic=True)
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("ATTACH DATABASE ? AS old", [str(source)])
        conn.execute("BEGIN")
        for statement in schema_statements():
            conn.execute(statement)
        present = {r[0] for r in conn.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")}
        for table, cols in COLUMNS.items():
            if table not in present and manifest["schema_version"] < SINCE_SCHEMA.get(table, 0):
                continue  # made before bundles held it: left empty
            if table != "turns" or manifest["format_version"] != 1:
                conn.execute(f"INSERT INTO main.{table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM old.{table}")
        if manifest["format_version"] == 1:
            turn = ", ".join(f"t.{k}" for k in COLUMNS["turns"][:9])
            conn.execute(f"""INSERT INTO main.turns ({", ".join(COLUMNS["turns"])})
                             SELECT {turn}, s.rubric_version, s.empathy, s.clarity, s.compliance, s.overall, s.blocked,
                                    pack_detail(s.detail)
                             FROM old.turns t JOIN old.scores s ON s.turn_id = t.id""")
        if manifest["schema_version"] < 4:
            conn.executescript(relabel.SQL)  # our own copy, in our own schema: no trigger of the bundle's runs
        conn.commit()
        conn.execute("DETACH DATABASE old")
    except sqlite3.Error as e:
        raise BundleError(path, f"is damaged or inconsistent ({printable(str(e), 200)})") from None
    finally:
        conn.close()


def _pack_text(detail: str | bytes | int | float | None) -> str | bytes | int | float | None:
    """A format-1 detail (JSON text) packed; anything else is left for the value checks to refuse."""
    return pack(detail) if isinstance(detail, str) else detail


def _relabel_threats(path: Path, data: bytes) -> bytes:
    """An in-memory bundle from before schema 4, its misfiled threats re-filed (the same bytes if none are)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        if conn.execute("SELECT 1 FROM score_blockers WHERE rule_id = ? LIMIT 1", [relabel.OLD_ID]).fetchone() is None:
            return data  # nothing misfiled: no second copy
        conn.create_function("relabel_detail", 1, relabel.relabel_detail, deterministic=True)
        conn.executescript(f"BEGIN; {relabel.SQL}; COMMIT;")
        return conn.serialize()
    except sqlite3.Error as e:
        raise BundleError(path, f"is damaged or inconsistent ({e})") from e
    finally:
        conn.close()
