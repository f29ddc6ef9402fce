"""Importing bundles: each one read and checked, staged, then all merged into the database in one transaction.

Reading (zip, manifest, checksum, tables, every value) happens in a worker thread, one bundle
ahead, on a read-only connection of its own. Each checked bundle is then copied into a staging
file beside the database, in tables of our own making, so the merge never reads a bundle's own
schema; the bundle files need not stay attached (SQLite attaches at most ten databases, and
cannot detach one inside a transaction). Then one transaction merges every staged bundle: if
any file is bad, nothing is imported (unless skip_bad) and the database is as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..db import DatabaseLike, connection, now
from .checks import check_rows, check_structure, open_readonly
from .format import COLUMNS, FORMAT_1_TABLES, MAX_VALUE_BYTES, BundleError, Manifest, printable, schema_statements
from .merge import ADDED_SESSIONS, TEMP_TABLES, BundleMerge, DroppedIndexes, refresh_verdicts
from .reader import extract_bundle
from .report import BundleResult, ImportReport
from .upgrade import needs_copy, upgrade

IMPORT_CACHE_KIB = 160 * 1024  # page cache while merging (big enough for the turns index of a class)
BULK_MIN_TURNS = 50_000  # an import this big into a database less than twice its size is loaded in bulk
# Indexes a big import drops and builds again at its end: building one from scratch is several times
# faster than keeping it up to date row by row. turns_place comes back early when a bundle needs it.
BULK_INDEXES = ("turns_place", "sessions_trainee", "sessions_scenario", "score_blockers_rule", "annotations_session")
STAGED = "staged"


@dataclass
class Checked:
    """A bundle that passed every check: its manifest, its data file, and its row counts."""

    path: Path
    manifest: Manifest
    data: Path
    rows: dict[str, int]


@dataclass
class Staged:
    path: Path
    manifest: Manifest
    rows: dict[str, int]
    prefix: str  # its tables in the staging file: staged.<prefix>turns …


def import_bundles(
    db: DatabaseLike,
    paths: Iterable[str | os.PathLike[str]],
    *,
    skip_bad: bool = False,
    progress: Callable[[int, int, Path], None] | None = None,
) -> ImportReport:
    """Add the bundles' new trainees, calls and turns to the database in one transaction; returns what happened.

    Nothing here is ever changed: a call already here is skipped (a conflict when the bundle's copy
    differs), supervisor notes and trainee aliases in a bundle are ignored (and counted).
    Any bad file (damaged, truncated, foreign, newer, out of range) is reported in report.rejected;
    then nothing is imported and the database is unchanged, unless skip_bad.
    """
    files = [Path(p) for p in paths]
    conn = connection(db)
    if conn.in_transaction:
        conn.commit()
    report = ImportReport()
    saved_length = conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)  # no value read from a bundle may be longer
    scratch = Path(tempfile.mkdtemp(prefix=".trainer-import-", dir=_scratch_folder(conn)))
    try:
        conn.execute("ATTACH DATABASE ? AS staged", [str(scratch / "staged.sqlite")])
        try:
            conn.execute("PRAGMA staged.journal_mode=OFF")
            conn.execute("PRAGMA staged.synchronous=OFF")
            staged: list[Staged] = []
            for i, (path, checked) in enumerate(_checked_ahead(files, scratch)):
                if progress:
                    progress(i, len(files), path)
                if isinstance(checked, BundleError):
                    report.rejected.append(checked)
                elif not report.rejected or skip_bad:  # else nothing will be kept: go on only to name every bad file
                    stage = _stage(conn, checked, f"b{i}_")
                    if isinstance(stage, BundleError):
                        report.rejected.append(stage)
                    else:
                        staged.append(stage)
            if staged and (skip_bad or not report.rejected):
                _merge_all(conn, staged, report, skip_bad)
        finally:
            if conn.in_transaction:
                conn.rollback()
            conn.execute("DETACH DATABASE staged")
    finally:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, saved_length)
        shutil.rmtree(scratch, ignore_errors=True)
    if progress:
        progress(len(files), len(files), files[-1] if files else Path())
    return report


def _scratch_folder(conn: sqlite3.Connection) -> str | None:
    """Beside the database (a bundle's data is as big as the bundle; /tmp may be memory); else the temp folder."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file and Path(file).parent.is_dir():
            return str(Path(file).parent)
    return None


def _checked_ahead(paths: list[Path], scratch: Path) -> Iterator[tuple[Path, Checked | BundleError]]:
    """Each bundle read and checked, the next one read in a thread meanwhile (hashing and SQLite release the GIL)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bundle-read") as pool:
        ahead = pool.submit(_check, paths[0], scratch / "0") if paths else None
        for i, path in enumerate(paths):
            assert ahead is not None  # the first is submitted above, each next one below
            current = ahead.result()
            ahead = pool.submit(_check, paths[i + 1], scratch / str(i + 1)) if i + 1 < len(paths) else None
            try:
                yield path, current
            finally:
                if isinstance(current, Checked):
                    shutil.rmtree(current.data.parent, ignore_errors=True)
        if ahead is not None:
            ahead.cancel()


def _check(path: Path, folder: Path) -> Checked | BundleError:
    """The bundle extracted into folder and checked from zip to values (brought to today's format if older)."""
    folder.mkdir()
    try:
        manifest, data = extract_bundle(path, folder)
        conn = open_readonly(data)
        try:
            tables = FORMAT_1_TABLES if manifest["format_version"] == 1 else frozenset(COLUMNS)
            check_structure(conn, path, tables)
            older = needs_copy(conn, manifest)
        except sqlite3.DatabaseError as e:
            raise BundleError(path, f"is damaged: its data cannot be read ({printable(str(e), 120)})") from None
        finally:
            conn.close()
        if older:
            current = folder / "upgraded.sqlite"
            upgrade(path, manifest, data, current)
            data.unlink()
            data = current
        conn = open_readonly(data)
        try:
            rows = check_rows(conn, path, manifest)
        finally:
            conn.close()
        return Checked(path, manifest, data, rows)
    except BundleError as e:
        shutil.rmtree(folder, ignore_errors=True)
        return e


def _stage(conn: sqlite3.Connection, checked: Checked, prefix: str) -> Staged | BundleError:
    """The checked bundle's rows copied into tables of our own making in the staging file."""
    conn.execute("ATTACH DATABASE ? AS bundle_in", [str(checked.data)])
    try:
        conn.execute("BEGIN")
        for statement in schema_statements(STAGED, prefix):
            conn.execute(statement)
        for table, cols in COLUMNS.items():
            if not checked.rows[table]:
                continue  # empty, or a table the bundle was made before (its staged copy stays empty)
            order = " ORDER BY session_id, idx, attempt" if table == "turns" else ""
            conn.execute(
                f"INSERT INTO {STAGED}.{prefix}{table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM bundle_in.{table}{order}"
            )
        conn.commit()
        return Staged(checked.path, checked.manifest, checked.rows, prefix)
    except sqlite3.DatabaseError as e:
        conn.rollback()
        return BundleError(checked.path, f"is damaged or inconsistent ({printable(str(e), 200)})")
    finally:
        conn.execute("DETACH DATABASE bundle_in")


def _merge_all(conn: sqlite3.Connection, staged: list[Staged], report: ImportReport, skip_bad: bool) -> None:
    incoming_turns = sum(s.rows["turns"] for s in staged)
    existing_turns = conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM main.turns").fetchone()[0]
    bulk = incoming_turns >= BULK_MIN_TURNS and incoming_turns > existing_turns // 2
    saved = {
        k: conn.execute(f"PRAGMA main.{k}").fetchone()[0] for k in ("cache_size", "foreign_keys", "journal_mode", "synchronous")
    }
    conn.execute(f"PRAGMA main.cache_size=-{IMPORT_CACHE_KIB}")
    # References are checked set by set by the merge (much faster than row by row); the PRAGMA is per connection.
    conn.execute("PRAGMA foreign_keys=OFF")
    if bulk and saved["journal_mode"] == "wal":
        # A big import into a small database: write each page once, not to the WAL and again at checkpoint.
        # (Possible only when no other connection is open; otherwise it stays in WAL mode.)
        conn.execute("PRAGMA main.synchronous=FULL")
        conn.execute("PRAGMA main.journal_mode=DELETE")
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(ADDED_SESSIONS)
        indexes = DroppedIndexes(conn, BULK_INDEXES if bulk else ())
        results = []
        for bundle in staged:
            conn.execute("SAVEPOINT bundle")
            try:
                result = BundleMerge(conn, f"{STAGED}.{bundle.prefix}", bundle.path, bundle.manifest, bundle.rows, indexes).run()
                _record_import(conn, bundle.path, bundle.manifest, result)
                conn.execute("RELEASE bundle")
                results.append(result)
            except (sqlite3.DatabaseError, BundleError) as e:
                conn.execute("ROLLBACK TO bundle")
                conn.execute("RELEASE bundle")
                report.rejected.append(
                    e
                    if isinstance(e, BundleError)
                    else BundleError(bundle.path, f"is damaged or inconsistent ({printable(str(e), 200)})")
                )
        if report.rejected and not skip_bad:
            conn.rollback()
            return
        indexes.restore()
        refresh_verdicts(conn)  # after the indexes are back: each verdict counts its call's turns
        conn.commit()
        report.bundles = results
        report.committed = True
    finally:
        if conn.in_transaction:
            conn.rollback()
        for table in (*TEMP_TABLES, "added_sessions"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
        if bulk and saved["journal_mode"] == "wal":
            conn.execute("PRAGMA main.journal_mode=WAL")
        for key in ("synchronous", "foreign_keys", "cache_size"):
            conn.execute(f"PRAGMA main.{key}={saved[key]}")


def _record_import(conn: sqlite3.Connection, path: Path, manifest: Manifest, result: BundleResult) -> None:
    summary: dict[str, object] = {t: vars(c) for t, c in result.counts.items()}
    summary.update(notes_ignored=result.notes_ignored, aliases_ignored=result.aliases_ignored, same_names=len(result.same_names))
    conn.execute(
        "INSERT INTO imports (id, bundle_id, kiosk_id, file, sha256, imported_at, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            str(uuid.uuid4()),
            manifest["bundle_id"],
            manifest.get("kiosk_id"),
            str(path),
            manifest["data"]["sha256"],
            now(),
            json.dumps(summary),
        ],
    )
