"""Kiosk bundles: export a database's sessions to one file; import and merge any number of them.

A bundle is one file, ``<kiosk>-<time>-<id>.trainer-bundle``: a zip archive (stored, not
compressed) holding ``manifest.json`` and ``sessions.sqlite``, an SQLite file with the trainees,
sessions, turns with their scores, blockers and supervisor annotations. The manifest names the
format and schema versions, the kiosk, the row counts and the SHA-256 of ``sessions.sqlite``.
See docs/classroom-data.md.

Importing merges by UUID (a turn by its session's UUID and its place in the call), so importing
a bundle twice changes nothing. Every bundle is checked (zip, manifest, versions, checksum,
tables) before its rows are merged, and all the bundles of one import share one transaction: if
any file is bad, nothing is imported (unless skip_bad), and the database is as it was. Bundles
of format 1 (turns and scores in two tables) are upgraded as they are read.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import struct
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from . import relabel
from .db import SQLITE_HEADER, connection, now
from .detail import pack
from .schema import CURRENT_VERSION, PAGE_SIZE

BUNDLE_SUFFIX = ".trainer-bundle"
BUNDLE_FORMAT = "billing-trainer-bundle"
BUNDLE_FORMAT_VERSION = 2  # 1: turns and scores in two tables (schema 1-2)
MANIFEST_NAME = "manifest.json"
DATA_NAME = "sessions.sqlite"
ZIP_MAGIC = b"PK\x03\x04"
MAX_CONFLICTS_LISTED = 20
IMPORT_CACHE_KIB = 256 * 1024  # page cache while merging (the indexes of millions of turns stay in memory)
BULK_MIN_TURNS = 50_000  # an import this big into a database less than twice its size is loaded in bulk
# Indexes a big import drops and builds again at its end: building one from scratch is several times
# faster than keeping it up to date row by row. turns_place comes back early when a bundle needs it.
BULK_INDEXES = ("turns_place", "sessions_trainee", "sessions_scenario", "score_blockers_rule", "annotations_session")

# The tables a bundle carries, with their columns (in the same names as the trainer's database).
COLUMNS: dict[str, tuple[str, ...]] = {
    "trainees": ("id", "name", "badge", "created_at", "kiosk_id"),
    "trainee_aliases": ("alias_id", "trainee_id"),
    "sessions": ("id", "trainee_id", "scenario_id", "scenario_title", "scenario_hash", "rubric_version",
                 "persona_mode", "seed", "status", "ending", "started_at", "ended_at", "empathy", "clarity",
                 "compliance", "overall", "blocked", "kiosk_id", "topics"),
    "turns": ("id", "session_id", "idx", "attempt", "patient_node", "patient_line_id", "patient_text", "reply",
              "created_at", "rubric_version", "empathy", "clarity", "compliance", "overall", "blocked", "detail"),
    "score_blockers": ("session_id", "turn_id", "rule_id"),
    "annotations": ("id", "session_id", "turn_id", "author", "kind", "dimension", "value", "text", "created_at",
                    "kiosk_id"),
}
BUNDLE_SCHEMA = """
CREATE TABLE trainees (id TEXT PRIMARY KEY, name TEXT NOT NULL, badge TEXT, created_at TEXT NOT NULL, kiosk_id TEXT);
CREATE TABLE trainee_aliases (alias_id TEXT PRIMARY KEY, trainee_id TEXT NOT NULL);
CREATE TABLE sessions (id TEXT PRIMARY KEY, trainee_id TEXT NOT NULL, scenario_id TEXT NOT NULL,
    scenario_title TEXT NOT NULL, scenario_hash TEXT NOT NULL, rubric_version TEXT NOT NULL,
    persona_mode TEXT NOT NULL, seed INTEGER NOT NULL, status TEXT NOT NULL, ending TEXT, started_at TEXT NOT NULL,
    ended_at TEXT, empathy INTEGER, clarity INTEGER, compliance INTEGER, overall INTEGER,
    blocked INTEGER NOT NULL DEFAULT 0, kiosk_id TEXT, topics TEXT);
CREATE TABLE turns (id TEXT NOT NULL, session_id TEXT NOT NULL, idx INTEGER NOT NULL, attempt INTEGER NOT NULL,
    patient_node TEXT NOT NULL, patient_line_id TEXT NOT NULL, patient_text TEXT NOT NULL, reply TEXT NOT NULL,
    created_at TEXT NOT NULL, rubric_version TEXT NOT NULL, empathy INTEGER NOT NULL, clarity INTEGER NOT NULL,
    compliance INTEGER NOT NULL, overall INTEGER NOT NULL, blocked INTEGER NOT NULL, detail BLOB NOT NULL,
    PRIMARY KEY (session_id, idx, attempt)) WITHOUT ROWID;
CREATE TABLE score_blockers (session_id TEXT NOT NULL, turn_id TEXT NOT NULL, rule_id TEXT NOT NULL,
    PRIMARY KEY (session_id, turn_id, rule_id)) WITHOUT ROWID;
CREATE TABLE annotations (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, turn_id TEXT, author TEXT NOT NULL,
    kind TEXT NOT NULL, dimension TEXT, value INTEGER, text TEXT NOT NULL, created_at TEXT NOT NULL, kiosk_id TEXT);
"""


class BundleError(Exception):
    """A file that cannot be imported; the message names it and says why."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


# ---------------------------------------------------------------------------------------------- export

@dataclass
class ExportResult:
    path: Path
    manifest: dict


def export_bundle(db, dest: str | os.PathLike, *, since: str | None = None, origin: str | None = None,
                  name: str | None = None) -> ExportResult:
    """Write this database's sessions to a new bundle file in the folder dest; returns its path and manifest.

    since: only sessions started on or after this ISO date or time; origin: only sessions made on
    that kiosk (a kiosk id). Trainees come with their sessions (all trainees when nothing is
    filtered), and turns (with their scores), blockers and annotations with theirs. The file is
    written under a temporary name, flushed to disk, then renamed, so a half-written bundle is
    never left behind.
    """
    conn = connection(db)
    dest = Path(dest)
    if not dest.is_dir():
        raise BundleError(dest, "no such folder (plug in the USB stick, or give an existing folder)")
    kiosk_id = _setting(conn, "kiosk_id") or ""
    kiosk_name = _setting(conn, "kiosk_name")
    bundle_id = str(uuid.uuid4())
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    label = _slug(name or kiosk_name or f"kiosk-{kiosk_id[:8]}")
    target = dest / f"{label}-{stamp}-{bundle_id[:8]}{BUNDLE_SUFFIX}"
    with tempfile.TemporaryDirectory(prefix="trainer-bundle-") as tmp:
        data = Path(tmp) / DATA_NAME
        counts = _write_data(conn, data, since, origin)
        digest, size = _sha256_file(data)
        manifest = {
            "format": BUNDLE_FORMAT, "format_version": BUNDLE_FORMAT_VERSION, "bundle_id": bundle_id,
            "created_at": now(), "app_version": __version__, "schema_version": CURRENT_VERSION,
            "kiosk_id": kiosk_id, "kiosk_name": kiosk_name, "filter": {"since": since, "origin": origin},
            "counts": counts, "data": {"name": DATA_NAME, "bytes": size, "sha256": digest},
        }
        partial = target.with_name(f".{target.name}.partial")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.writestr(MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n")
                zf.write(data, DATA_NAME)
            with open(partial, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(partial, target)
        except OSError as e:
            partial.unlink(missing_ok=True)
            raise BundleError(target, f"could not write the bundle: {e.strerror or e}") from e
    _fsync_dir(dest)
    return ExportResult(target, manifest)


def _write_data(conn: sqlite3.Connection, path: Path, since: str | None, origin: str | None) -> dict[str, int]:
    if conn.in_transaction:
        conn.commit()
    conn.execute("ATTACH DATABASE ? AS bundle_out", [str(path)])
    try:
        conn.execute(f"PRAGMA bundle_out.page_size={PAGE_SIZE}")
        conn.execute("PRAGMA bundle_out.journal_mode=OFF")
        conn.execute("PRAGMA bundle_out.synchronous=OFF")
        conn.execute("BEGIN")
        for statement in BUNDLE_SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement.replace("CREATE TABLE ", "CREATE TABLE bundle_out.", 1))
        cols = {t: ", ".join(c) for t, c in COLUMNS.items()}
        tcols = {t: ", ".join(f"x.{n}" for n in c) for t, c in COLUMNS.items()}
        conditions, params = [], []
        if since:
            conditions.append("started_at >= ?")
            params.append(since)
        if origin:
            conditions.append("kiosk_id = ?")
            params.append(origin)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        conn.execute(f"INSERT INTO bundle_out.sessions ({cols['sessions']}) SELECT {cols['sessions']} "
                     f"FROM main.sessions {where} ORDER BY id", params)
        if conditions:
            conn.execute(f"INSERT INTO bundle_out.trainees ({cols['trainees']}) SELECT {tcols['trainees']} "
                         "FROM main.trainees x WHERE x.id IN (SELECT trainee_id FROM bundle_out.sessions) ORDER BY x.id")
        else:
            conn.execute(f"INSERT INTO bundle_out.trainees ({cols['trainees']}) SELECT {cols['trainees']} "
                         "FROM main.trainees ORDER BY id")
        conn.execute("INSERT INTO bundle_out.trainee_aliases SELECT x.alias_id, x.trainee_id FROM main.trainee_aliases x "
                     "WHERE x.trainee_id IN (SELECT id FROM bundle_out.trainees) ORDER BY x.alias_id")
        conn.execute(f"INSERT INTO bundle_out.turns ({cols['turns']}) SELECT {tcols['turns']} "
                     "FROM bundle_out.sessions s CROSS JOIN main.turns x ON x.session_id = s.id "
                     "ORDER BY x.session_id, x.idx, x.attempt")
        conn.execute("INSERT INTO bundle_out.score_blockers SELECT x.session_id, x.turn_id, x.rule_id "
                     "FROM bundle_out.sessions s CROSS JOIN main.score_blockers x ON x.session_id = s.id")
        conn.execute(f"INSERT INTO bundle_out.annotations ({cols['annotations']}) SELECT {tcols['annotations']} "
                     "FROM bundle_out.sessions s CROSS JOIN main.annotations x ON x.session_id = s.id ORDER BY x.id")
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM bundle_out.{t}").fetchone()[0] for t in COLUMNS}
        conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    finally:
        conn.execute("DETACH DATABASE bundle_out")
    return counts


# ---------------------------------------------------------------------------------------------- checking

def read_bundle(path: str | os.PathLike) -> tuple[dict, bytes]:
    """The bundle's manifest and the bytes of its SQLite file, after checking both; else BundleError."""
    path = Path(path)
    if not path.exists():
        raise BundleError(path, "no such file")
    if path.is_dir():
        raise BundleError(path, "is a folder, not a bundle file")
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as e:
        raise BundleError(path, f"cannot be read ({e.strerror or e})") from e
    if head.startswith(SQLITE_HEADER):
        raise BundleError(path, "is an SQLite database, not a bundle; on the kiosk, export a bundle with "
                                "`export-bundle` and import that file")
    if not head.startswith(ZIP_MAGIC):
        raise BundleError(path, "is not a trainer bundle (not a file made by `export-bundle`)")
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = _manifest(path, zf)
            data = _member(path, zf, DATA_NAME)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, struct.error) as e:
        raise BundleError(path, f"is damaged or incomplete; was it copied completely? ({e})") from e
    expected = manifest["data"]
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != expected["bytes"] or digest != expected["sha256"]:
        raise BundleError(path, f"is damaged: its checksum does not match the manifest "
                                f"(sha256 {digest[:12]}…, expected {expected['sha256'][:12]}…)")
    if not data.startswith(SQLITE_HEADER):
        raise BundleError(path, f"is damaged: {DATA_NAME} is not an SQLite file")
    return manifest, data


def check_bundle(path: str | os.PathLike) -> dict:
    """The manifest of a bundle that passes every check that needs no database; else BundleError."""
    manifest, _ = read_bundle(path)
    return manifest


def _manifest(path: Path, zf: zipfile.ZipFile) -> dict:
    names = set(zf.namelist())
    if MANIFEST_NAME not in names or DATA_NAME not in names:
        raise BundleError(path, f"is a zip archive, but not a trainer bundle (no {MANIFEST_NAME} and {DATA_NAME} inside)")
    try:
        manifest = json.loads(zf.read(MANIFEST_NAME).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BundleError(path, f"is damaged: its manifest cannot be read ({e})") from e
    _check_manifest(path, manifest)
    return manifest


def _member(path: Path, zf: zipfile.ZipFile, name: str) -> bytes:
    """A stored member's bytes, read in one go (its SHA-256 in the manifest is checked instead of the CRC)."""
    info = zf.getinfo(name)
    if info.compress_type != zipfile.ZIP_STORED:
        return zf.read(name)
    with path.open("rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        if len(local) < 30 or local[:4] != ZIP_MAGIC:
            raise zipfile.BadZipFile(f"bad local header for {name}")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        f.seek(info.header_offset + 30 + name_len + extra_len)
        data = f.read(info.compress_size)
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile(f"{name} is cut short ({len(data)} of {info.compress_size} bytes)")
    return data


def _peek_turns(path: Path) -> int:
    """How many turns the bundle's manifest announces (0 if it cannot be read; the import reports why)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return int(json.loads(zf.read(MANIFEST_NAME))["counts"]["turns"])
    except Exception:  # noqa: BLE001 - only an estimate; read_bundle reports the real problem
        return 0


def _check_manifest(path: Path, m) -> None:
    if not isinstance(m, dict) or m.get("format") != BUNDLE_FORMAT:
        raise BundleError(path, "is not a trainer bundle (its manifest names another format)")
    version, schema = m.get("format_version"), m.get("schema_version")
    if not isinstance(version, int) or not isinstance(schema, int) or version < 1:
        raise BundleError(path, "is damaged: its manifest lacks the format or schema version")
    if version > BUNDLE_FORMAT_VERSION or schema > CURRENT_VERSION:
        raise BundleError(path, f"was made by a newer version of the trainer (app {m.get('app_version', '?')}, "
                                f"bundle format {version}, schema {schema}; this version reads up to format "
                                f"{BUNDLE_FORMAT_VERSION}, schema {CURRENT_VERSION}). Update the app to import it.")
    data = m.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("sha256"), str) or not isinstance(data.get("bytes"), int):
        raise BundleError(path, "is damaged: its manifest lacks the checksum of its data")
    if not isinstance(m.get("counts"), dict) or not isinstance(m.get("bundle_id"), str):
        raise BundleError(path, "is damaged: its manifest lacks the bundle id or row counts")


# ---------------------------------------------------------------------------------------------- import

@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0

    def add(self, other: "Counts") -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.conflicts += other.conflicts


@dataclass
class BundleResult:
    path: Path
    manifest: dict
    counts: dict[str, Counts] = field(default_factory=dict)
    matched_by_name: int = 0  # trainees already here under another id (signed in on two kiosks)
    conflicts: list[str] = field(default_factory=list)  # the first few, described


@dataclass
class ImportReport:
    bundles: list[BundleResult] = field(default_factory=list)
    rejected: list[BundleError] = field(default_factory=list)
    committed: bool = False

    def totals(self) -> dict[str, Counts]:
        out = {t: Counts() for t in ("trainees", "sessions", "turns", "annotations")}
        for b in self.bundles:
            for table, c in b.counts.items():
                out[table].add(c)
        return out


def import_bundles(db, paths: Iterable[str | os.PathLike], *, skip_bad: bool = False,
                   progress: Callable[[int, int, Path], None] | None = None) -> ImportReport:
    """Merge the bundles into the database in one transaction; returns what was new, updated or in conflict.

    A record already here (same UUID) and identical is unchanged; a session that went further on
    the kiosk (active or interrupted here, finished there; or finished later) is updated; anything
    else that differs is a conflict: the copy here is kept and the conflict is reported. Trainees
    who signed in by the same name on several kiosks become one (the other ids are kept as aliases).

    Any bad file (damaged, truncated, foreign, newer) is reported in report.rejected; then nothing
    is imported and the database is unchanged, unless skip_bad, when the good files are imported.
    """
    paths = [Path(p) for p in paths]
    conn = connection(db)
    if conn.in_transaction:
        conn.commit()
    report = ImportReport()
    incoming_turns = sum(_peek_turns(p) for p in paths)
    existing_turns = conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM turns").fetchone()[0]
    bulk = incoming_turns >= BULK_MIN_TURNS and incoming_turns > existing_turns // 2
    saved = {k: conn.execute(f"PRAGMA {k}").fetchone()[0]
             for k in ("cache_size", "foreign_keys", "journal_mode", "synchronous")}
    conn.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    # References are checked set by set below (much faster than row by row); the PRAGMA is per connection.
    conn.execute("PRAGMA foreign_keys=OFF")
    if bulk and saved["journal_mode"] == "wal":
        # A big import into a small database: write each page once, not to the WAL and again at checkpoint.
        # (Possible only when no other connection is open; otherwise it stays in WAL mode.)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("ATTACH DATABASE ':memory:' AS incoming")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            indexes = _Indexes(conn, BULK_INDEXES if bulk else ())
            for i, (path, read) in enumerate(_read_ahead(paths)):
                if progress:
                    progress(i, len(paths), path)
                if isinstance(read, BundleError):
                    report.rejected.append(read)
                    continue
                manifest, data = read
                del read
                if report.rejected and not skip_bad:
                    continue  # nothing will be kept; go on only to report every bad file
                conn.execute("SAVEPOINT bundle")
                try:
                    conn.deserialize(data, name="incoming")
                    del data
                    rows = _check_tables(conn, path, manifest)
                    result = _Merge(conn, path, manifest, rows, indexes).run()
                    _record_import(conn, path, manifest, result)
                    conn.execute("RELEASE bundle")
                except (sqlite3.DatabaseError, BundleError) as e:
                    conn.execute("ROLLBACK TO bundle")
                    conn.execute("RELEASE bundle")
                    report.rejected.append(e if isinstance(e, BundleError) else
                                           BundleError(path, f"is damaged or inconsistent ({e})"))
                    continue
                report.bundles.append(result)
            if report.rejected and not skip_bad:
                conn.rollback()
            else:
                indexes.restore()
                conn.commit()
                report.committed = True
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
    finally:
        conn.execute("DETACH DATABASE incoming")
        for table in ("tmap", "scmp", "tbad", "newsess"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
        if bulk and saved["journal_mode"] == "wal":
            conn.execute("PRAGMA journal_mode=WAL")
        for key in ("synchronous", "foreign_keys", "cache_size"):
            conn.execute(f"PRAGMA {key}={saved[key]}")
    if not report.committed:
        report.bundles = []
    if progress:
        progress(len(paths), len(paths), paths[-1] if paths else Path())
    return report


def _read_ahead(paths: list[Path]) -> Iterator[tuple[Path, tuple[dict, bytes] | BundleError]]:
    """Each bundle read and checked, the next one read in a thread meanwhile (hashing releases the GIL)."""
    def read(path: Path) -> tuple[dict, bytes] | BundleError:
        try:
            manifest, data = read_bundle(path)
            if manifest["format_version"] == 1:
                data = _upgrade_format_1(path, data)
            if manifest["schema_version"] < 4:
                data = _relabel_threats(path, data)
            return manifest, data
        except BundleError as e:
            return e

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bundle-read") as pool:
        ahead = pool.submit(read, paths[0]) if paths else None
        for i, path in enumerate(paths):
            current = ahead.result()
            ahead = pool.submit(read, paths[i + 1]) if i + 1 < len(paths) else None
            yield path, current
            del current


def _upgrade_format_1(path: Path, data: bytes) -> bytes:
    """A format-1 bundle's data (turns and scores in two tables, details as JSON text) in today's format."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.create_function("pack_detail", 1, pack, deterministic=True)
        conn.executescript(BUNDLE_SCHEMA)
        conn.execute("ATTACH DATABASE ':memory:' AS old")
        conn.deserialize(data, name="old")
        for table, cols in COLUMNS.items():
            if table != "turns":
                conn.execute(f"INSERT INTO main.{table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM old.{table}")
        turn = ", ".join(f"t.{k}" for k in COLUMNS["turns"][:9])
        conn.execute(f"""INSERT INTO main.turns ({', '.join(COLUMNS['turns'])})
                         SELECT {turn}, s.rubric_version, s.empathy, s.clarity, s.compliance, s.overall, s.blocked,
                                pack_detail(s.detail)
                         FROM old.turns t JOIN old.scores s ON s.turn_id = t.id""")
        conn.commit()
        return conn.serialize()
    except sqlite3.Error as e:
        raise BundleError(path, f"is damaged or inconsistent ({e})") from e
    finally:
        conn.close()


def _relabel_threats(path: Path, data: bytes) -> bytes:
    """A bundle from before schema 4, with its misfiled threat blockers re-filed as the upgrade does at home."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        if conn.execute("SELECT 1 FROM score_blockers WHERE rule_id = ? LIMIT 1", [relabel.OLD_ID]).fetchone() is None:
            return data  # nothing misfiled: no second copy of a class-sized bundle
        conn.create_function("relabel_detail", 1, relabel.relabel_detail, deterministic=True)
        conn.executescript(f"BEGIN; {relabel.SQL}; COMMIT;")
        return conn.serialize()
    except sqlite3.Error as e:
        raise BundleError(path, f"is damaged or inconsistent ({e})") from e
    finally:
        conn.close()


class _Indexes:
    """Indexes dropped for a big import; restore() builds them again (all, or the ones named)."""

    def __init__(self, conn: sqlite3.Connection, names: Iterable[str]):
        self.conn = conn
        names = tuple(names)
        marks = ",".join("?" * len(names))
        rows = conn.execute(f"SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND name IN ({marks})",
                            names).fetchall()
        self.dropped = dict(rows)
        for name in self.dropped:
            conn.execute(f"DROP INDEX main.{name}")

    def restore(self, *names: str) -> None:
        for name in names or list(self.dropped):
            sql = self.dropped.pop(name, None)
            if sql:
                self.conn.execute(sql)


def _check_tables(conn: sqlite3.Connection, path: Path, manifest: dict) -> dict[str, int]:
    """The number of rows in each table of the attached bundle, after checking its tables and counts."""
    rows = {}
    for table, cols in COLUMNS.items():
        have = {row[1] for row in conn.execute(f"PRAGMA incoming.table_info({table})")}
        if not have:
            raise BundleError(path, f"is damaged: it has no {table} table")
        missing = [c for c in cols if c not in have]
        if missing:
            raise BundleError(path, f"is damaged: its {table} table lacks {', '.join(missing)}")
        rows[table] = conn.execute(f"SELECT COUNT(*) FROM incoming.{table}").fetchone()[0]
        expected = manifest["counts"].get(table)
        if expected is not None and rows[table] != expected:
            raise BundleError(path, f"is damaged: the manifest lists {expected} {table} but it holds {rows[table]}")
    return rows


STATUS_RANK = "(CASE {0}.status WHEN 'active' THEN 0 WHEN 'interrupted' THEN 1 ELSE 2 END)"
SESSION_FIXED = ("scenario_id", "scenario_hash", "rubric_version", "persona_mode", "seed", "started_at")
SESSION_MUTABLE = ("status", "ending", "ended_at", "empathy", "clarity", "compliance", "overall", "blocked")
TRAINEE_OF = "COALESCE(t.main_id, a.trainee_id, b.trainee_id)"  # a session's trainee here
TRAINEE_JOINS = ("LEFT JOIN temp.tmap t ON t.bundle_id = b.trainee_id "
                 "LEFT JOIN main.trainee_aliases a ON a.alias_id = b.trainee_id")


def _row(alias: str, cols: Iterable[str]) -> str:
    return "(" + ", ".join(f"{alias}.{c}" for c in cols) + ")"


def _cols(alias: str, cols: Iterable[str]) -> str:
    return ", ".join(f"{alias}.{c}" for c in cols)


class _Merge:
    """The merge of one attached bundle ('incoming') into the main database, table by table."""

    def __init__(self, conn: sqlite3.Connection, path: Path, manifest: dict, rows: dict[str, int],
                 indexes: _Indexes):
        self.conn = conn
        self.result = BundleResult(path, manifest)
        self.rows = rows  # how many of each the bundle holds
        self.indexes = indexes

    def x(self, sql: str, params=()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def count(self, sql: str, params=()) -> int:
        return self.conn.execute(sql, params).fetchone()[0]

    def conflicts(self, table: str, sql: str, params=()) -> int:
        rows = self.x(sql, params).fetchall()
        room = max(0, MAX_CONFLICTS_LISTED - len(self.result.conflicts))
        self.result.conflicts += [f"{table} {row[0]}: {row[1]}" for row in rows[:room]]
        return len(rows)

    def inconsistent(self, sql: str, what: str) -> None:
        row = self.x(sql).fetchone()
        if row:
            raise BundleError(self.result.path, f"is inconsistent: {what} {row[0]}")

    def run(self) -> BundleResult:
        self.trainees()
        self.sessions()
        self.turns()
        self.annotations()
        return self.result

    def trainees(self) -> None:
        # by id, else by an alias recorded earlier, else by name (the same person on another kiosk)
        x = self.x
        x("CREATE TEMP TABLE IF NOT EXISTS tmap (bundle_id TEXT PRIMARY KEY, main_id TEXT, how TEXT NOT NULL)")
        x("DELETE FROM temp.tmap")
        x("""INSERT INTO temp.tmap (bundle_id, main_id, how)
             SELECT b.id, COALESCE(m.id, a.trainee_id, n.id),
                    CASE WHEN m.id IS NOT NULL THEN 'same' WHEN a.trainee_id IS NOT NULL THEN 'alias'
                         WHEN n.id IS NOT NULL THEN 'name' ELSE 'new' END
             FROM incoming.trainees b
             LEFT JOIN main.trainees m ON m.id = b.id
             LEFT JOIN main.trainee_aliases a ON a.alias_id = b.id
             LEFT JOIN main.trainees n ON n.name = b.name COLLATE NOCASE""")
        c = Counts()
        tc = COLUMNS["trainees"]
        c.new = x(f"INSERT INTO main.trainees ({', '.join(tc)}) SELECT {_cols('b', tc)} FROM incoming.trainees b "
                  "JOIN temp.tmap t ON t.bundle_id = b.id WHERE t.how = 'new' ORDER BY b.id").rowcount
        x("UPDATE temp.tmap SET main_id = bundle_id WHERE how = 'new'")
        self.result.matched_by_name = x("INSERT INTO main.trainee_aliases (alias_id, trainee_id) "
                                        "SELECT bundle_id, main_id FROM temp.tmap WHERE how = 'name'").rowcount
        c.conflicts = self.conflicts("trainee", """
            SELECT b.id, 'named ' || quote(m.name) || ' here but ' || quote(b.name) || ' in the bundle; kept '
                         || quote(m.name)
            FROM incoming.trainees b CROSS JOIN main.trainees m ON m.id = b.id
            WHERE m.name != b.name COLLATE NOCASE""")
        c.updated = x("""UPDATE main.trainees AS m SET badge = b.badge FROM incoming.trainees b
                         WHERE m.id = b.id AND m.badge IS NULL AND b.badge IS NOT NULL
                           AND m.name = b.name COLLATE NOCASE""").rowcount
        c.unchanged = self.rows["trainees"] - c.new - c.updated - c.conflicts
        self.result.counts["trainees"] = c
        # the bundle's own aliases (it came from a database that had merged kiosks already)
        x("""INSERT OR IGNORE INTO main.trainee_aliases (alias_id, trainee_id)
             SELECT b.alias_id, t.main_id FROM incoming.trainee_aliases b
             JOIN temp.tmap t ON t.bundle_id = b.trainee_id
             WHERE NOT EXISTS (SELECT 1 FROM main.trainees m WHERE m.id = b.alias_id)""")

    def sessions(self) -> None:
        # new; a later state of one we have (updated); an older or identical copy (unchanged); else a conflict
        x = self.x
        self.inconsistent(f"""SELECT b.id FROM incoming.sessions b {TRAINEE_JOINS}
                              WHERE t.bundle_id IS NULL AND a.alias_id IS NULL
                                AND NOT EXISTS (SELECT 1 FROM main.trainees m WHERE m.id = b.trainee_id)""",
                          "a session's trainee is neither in the bundle nor here: session")
        fixed_b = f"({TRAINEE_OF}, {_cols('b', SESSION_FIXED)})"
        fixed_m = f"(m.trainee_id, {_cols('m', SESSION_FIXED)})"
        rank_b, rank_m = STATUS_RANK.format("b"), STATUS_RANK.format("m")
        x("CREATE TEMP TABLE IF NOT EXISTS scmp (id TEXT PRIMARY KEY, cat TEXT NOT NULL, why TEXT)")
        x("DELETE FROM temp.scmp")
        x(f"""INSERT INTO temp.scmp (id, cat, why)
              SELECT b.id,
                     CASE WHEN {fixed_b} IS NOT {fixed_m} THEN 'conflict'
                          WHEN {_row('b', SESSION_MUTABLE)} IS {_row('m', SESSION_MUTABLE)} THEN 'unchanged'
                          WHEN {rank_b} > {rank_m} THEN 'updated'
                          WHEN {rank_b} < {rank_m} THEN 'unchanged'
                          WHEN {rank_b} = 2 AND b.ended_at > m.ended_at THEN 'updated'
                          WHEN {rank_b} = 2 AND b.ended_at < m.ended_at THEN 'unchanged'
                          ELSE 'conflict' END,
                     CASE WHEN {fixed_b} IS NOT {fixed_m}
                          THEN 'a different call under the same id (trainee, scenario or start differ); kept the one here'
                          ELSE 'finished with other results here (' || m.status || ', overall '
                               || IFNULL(m.overall, '-') || ') than in the bundle (' || b.status || ', overall '
                               || IFNULL(b.overall, '-') || '); kept the one here' END
              FROM incoming.sessions b CROSS JOIN main.sessions m ON m.id = b.id {TRAINEE_JOINS}""")
        c = Counts()
        sc = COLUMNS["sessions"]
        x("CREATE TEMP TABLE IF NOT EXISTS newsess (id TEXT PRIMARY KEY)")
        x("DELETE FROM temp.newsess")
        x("""INSERT INTO temp.newsess (id) SELECT b.id FROM incoming.sessions b
             WHERE NOT EXISTS (SELECT 1 FROM temp.scmp s WHERE s.id = b.id) ORDER BY b.id""")
        picked = ", ".join(TRAINEE_OF if k == "trainee_id" else f"b.{k}" for k in sc)
        c.new = x(f"""INSERT INTO main.sessions ({', '.join(sc)}) SELECT {picked}
                      FROM incoming.sessions b {TRAINEE_JOINS}
                      WHERE b.id IN (SELECT id FROM temp.newsess) ORDER BY b.id""").rowcount
        sets = ", ".join(f"{k} = b.{k}" for k in SESSION_MUTABLE) + ", topics = COALESCE(b.topics, m.topics)"
        c.updated = x(f"""UPDATE main.sessions AS m SET {sets}
                          FROM incoming.sessions b JOIN temp.scmp s ON s.id = b.id
                          WHERE m.id = b.id AND s.cat = 'updated'""").rowcount
        c.conflicts = self.conflicts("session", "SELECT id, why FROM temp.scmp WHERE cat = 'conflict'")
        c.unchanged = self.count("SELECT COUNT(*) FROM temp.scmp WHERE cat = 'unchanged'")
        self.result.counts["sessions"] = c
        self.all_new = c.new == self.rows["sessions"]

    def turns(self) -> None:
        """Turns of new sessions go straight in, in call order; the rest are compared place by place."""
        x = self.x
        tc = COLUMNS["turns"]
        c = Counts()
        x("CREATE TEMP TABLE IF NOT EXISTS tbad (id TEXT PRIMARY KEY, why TEXT NOT NULL)")
        x("DELETE FROM temp.tbad")
        of_new = "SELECT id FROM incoming.sessions" if self.all_new else "SELECT id FROM temp.newsess"
        x("SAVEPOINT fresh")
        try:
            # in the order of the index on (session_id, idx, attempt): one pass over it, not a jump per turn
            c.new = x(f"""INSERT INTO main.turns ({', '.join(tc)}) SELECT {_cols('b', tc)}
                          FROM incoming.turns b WHERE b.session_id IN ({of_new})
                          ORDER BY b.session_id, b.idx, b.attempt""").rowcount
            x("RELEASE fresh")
            rest = f"b.session_id NOT IN ({of_new})"
        except sqlite3.IntegrityError:
            # a place already taken by a turn whose session is not here: compare everything
            x("ROLLBACK TO fresh")
            x("RELEASE fresh")
            c.new, rest = 0, "1"
        all_in = rest != "1" and c.new == self.rows["turns"]
        if not all_in:
            self.careful(rest, c)
        c.conflicts = self.conflicts("turn", "SELECT id, why FROM temp.tbad")
        c.unchanged = self.rows["turns"] - c.new - c.conflicts
        self.result.counts["turns"] = c
        # the blockers copied out of the scores go with their turns
        kept = "incoming.turns" if all_in else "main.turns"
        x(f"""INSERT OR IGNORE INTO main.score_blockers (session_id, turn_id, rule_id)
              SELECT b.session_id, b.turn_id, b.rule_id FROM incoming.score_blockers b
              WHERE NOT EXISTS (SELECT 1 FROM temp.tbad d WHERE d.id = b.turn_id)
                AND EXISTS (SELECT 1 FROM {kept} t WHERE t.session_id = b.session_id AND t.id = b.turn_id)""")

    def careful(self, rest: str, c: Counts) -> None:
        """Turns whose session was here already: identical ones are skipped, the others compared.

        A turn is found by its place (session, reply, attempt). Its score's detail is not compared:
        it is derived from the reply and the rubric version, and its packed bytes may differ between
        versions of zlib.
        """
        x = self.x
        self.indexes.restore("turns_place")  # turns here are looked up by place from now on
        same = [k for k in COLUMNS["turns"] if k != "detail"]
        at = "m.session_id = b.session_id AND m.idx = b.idx AND m.attempt = b.attempt"
        identical = self.count(f"""SELECT COUNT(*) FROM incoming.turns b CROSS JOIN main.turns m ON {at}
                                   WHERE {rest} AND {_row('b', same)} IS {_row('m', same)}""")
        if identical == self.count(f"SELECT COUNT(*) FROM incoming.turns b WHERE {rest}"):
            return
        self.inconsistent(f"""SELECT b.id FROM incoming.turns b WHERE {rest}
                              AND NOT EXISTS (SELECT 1 FROM main.sessions m WHERE m.id = b.session_id)
                              AND NOT EXISTS (SELECT 1 FROM incoming.sessions s WHERE s.id = b.session_id)""",
                          "a turn's session is neither in the bundle nor here: turn")
        x(f"""INSERT OR IGNORE INTO temp.tbad (id, why)
              SELECT b.id, CASE WHEN m.id = b.id THEN 'differs from the turn with the same id here; kept the one here'
                                ELSE 'another turn is already at reply ' || (b.idx + 1) || ', attempt ' || b.attempt
                                     || ' of session ' || b.session_id || '; kept the one here' END
              FROM incoming.turns b CROSS JOIN main.turns m ON {at}
              WHERE {rest} AND {_row('b', same)} IS NOT {_row('m', same)}""")
        x(f"""INSERT OR IGNORE INTO temp.tbad (id, why)
              SELECT b.id, 'belongs to session ' || b.session_id || ', which is in conflict'
              FROM temp.scmp s CROSS JOIN incoming.turns b ON b.session_id = s.id
              WHERE s.cat = 'conflict' AND {rest}
                AND NOT EXISTS (SELECT 1 FROM main.turns m WHERE {at})""")
        tc = COLUMNS["turns"]
        c.new += x(f"""INSERT INTO main.turns ({', '.join(tc)}) SELECT {_cols('b', tc)}
                       FROM incoming.turns b
                       WHERE {rest}
                         AND NOT EXISTS (SELECT 1 FROM main.turns m WHERE {at})
                         AND NOT EXISTS (SELECT 1 FROM temp.tbad d WHERE d.id = b.id)
                       ORDER BY b.session_id, b.idx, b.attempt""").rowcount

    def annotations(self) -> None:
        # comments and overrides, by id; each needs its session (and turn) to be here
        x = self.x
        if self.x("SELECT 1 FROM incoming.annotations WHERE turn_id IS NOT NULL LIMIT 1").fetchone():
            self.indexes.restore("turns_place")
        ac = COLUMNS["annotations"]
        placed = ("EXISTS (SELECT 1 FROM main.sessions s WHERE s.id = b.session_id) "
                  "AND b.session_id NOT IN (SELECT id FROM temp.scmp WHERE cat = 'conflict') "
                  "AND (b.turn_id IS NULL OR (EXISTS (SELECT 1 FROM main.turns t WHERE t.session_id = b.session_id "
                  "AND t.id = b.turn_id) AND b.turn_id NOT IN (SELECT id FROM temp.tbad)))")
        c = Counts()
        c.conflicts = self.conflicts("annotation", f"""
            SELECT b.id, 'differs from the annotation with the same id here; kept the one here'
            FROM incoming.annotations b CROSS JOIN main.annotations m ON m.id = b.id
            WHERE {_row('b', ac)} IS NOT {_row('m', ac)}
            UNION ALL
            SELECT b.id, 'is about a session or turn that was not imported'
            FROM incoming.annotations b
            WHERE NOT EXISTS (SELECT 1 FROM main.annotations m WHERE m.id = b.id) AND NOT ({placed})""")
        c.new = x(f"""INSERT INTO main.annotations ({', '.join(ac)}) SELECT {_cols('b', ac)}
                      FROM incoming.annotations b
                      WHERE NOT EXISTS (SELECT 1 FROM main.annotations m WHERE m.id = b.id) AND {placed}
                      ORDER BY b.created_at, b.id""").rowcount
        c.unchanged = self.rows["annotations"] - c.new - c.conflicts
        self.result.counts["annotations"] = c


def _record_import(conn: sqlite3.Connection, path: Path, manifest: dict, result: BundleResult) -> None:
    summary = {t: vars(c) for t, c in result.counts.items()}
    summary["matched_by_name"] = result.matched_by_name
    conn.execute("INSERT INTO imports (id, bundle_id, kiosk_id, file, sha256, imported_at, summary) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 [str(uuid.uuid4()), manifest["bundle_id"], manifest.get("kiosk_id"), str(path),
                  manifest["data"]["sha256"], now(), json.dumps(summary)])


def format_import_report(report: ImportReport) -> str:
    """The report as plain text, for the terminal."""
    out = []
    for b in report.bundles:
        kiosk = b.manifest.get("kiosk_name") or b.manifest.get("kiosk_id", "?")
        out.append(f"{b.path.name}  (kiosk {kiosk}, exported {b.manifest.get('created_at', '?')})")
        for table, c in b.counts.items():
            out.append(f"  {table:<12} {c.new:>8} new {c.updated:>6} updated {c.unchanged:>8} unchanged "
                       f"{c.conflicts:>4} conflicts")
        if b.matched_by_name:
            out.append(f"  {b.matched_by_name} trainee(s) already here under another id: merged by name")
        out += [f"  conflict: {text}" for text in b.conflicts]
    for e in report.rejected:
        out.append(f"rejected: {e}")
    if report.committed:
        t = report.totals()
        out.append(f"Imported {len(report.bundles)} bundle(s): {t['sessions'].new} new session(s), "
                   f"{t['sessions'].updated} updated, {t['turns'].new} new turn(s), "
                   f"{t['annotations'].new} new annotation(s), "
                   f"{sum(c.conflicts for c in t.values())} conflict(s) (the records here were kept).")
    elif report.rejected:
        out.append("Nothing was imported: the database is unchanged. Remove or replace the file(s) above "
                   "and import again (or import the others with --skip-bad).")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- helpers

def _setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:40] or "kiosk"


def _sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every system (e.g. Windows); the file itself was flushed
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
