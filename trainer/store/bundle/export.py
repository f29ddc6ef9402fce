"""Writing a bundle: this database's sessions (all, or recent ones, or this kiosk's) to one new file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ... import __version__
from ..db import DatabaseLike, connection, now
from ..schema import CURRENT_VERSION, PAGE_SIZE
from .format import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    BUNDLE_SUFFIX,
    COLUMNS,
    DATA_NAME,
    MANIFEST_NAME,
    BundleError,
    Manifest,
    schema_statements,
)


@dataclass
class ExportResult:
    path: Path
    manifest: Manifest


def export_bundle(
    db: DatabaseLike,
    dest: str | os.PathLike[str],
    *,
    since: str | None = None,
    origin: str | None = None,
    name: str | None = None,
) -> ExportResult:
    """Write this database's sessions to a new bundle file in the folder dest; returns its path and manifest.

    since: only sessions started on or after this ISO date or time; origin: only sessions made on
    that kiosk (a kiosk id). Trainees come with their sessions (all trainees when nothing is
    filtered), and turns (with their scores), blockers and annotations with theirs. Every assignment and
    withdrawal goes too, with the trainees they name. The file is
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
        manifest: Manifest = {
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_FORMAT_VERSION,
            "bundle_id": bundle_id,
            "created_at": now(),
            "app_version": __version__,
            "schema_version": CURRENT_VERSION,
            "kiosk_id": kiosk_id,
            "kiosk_name": kiosk_name,
            "filter": {"since": since, "origin": origin},
            "counts": counts,
            "data": {"name": DATA_NAME, "bytes": size, "sha256": digest},
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
        for statement in schema_statements("bundle_out"):
            conn.execute(statement)
        cols = {t: ", ".join(c) for t, c in COLUMNS.items()}
        prefixed = {t: ", ".join(f"x.{n}" for n in c) for t, c in COLUMNS.items()}
        conditions, params = [], []
        if since:
            conditions.append("started_at >= ?")
            params.append(since)
        if origin:
            conditions.append("kiosk_id = ?")
            params.append(origin)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        conn.execute(
            f"INSERT INTO bundle_out.sessions ({cols['sessions']}) SELECT {cols['sessions']} "
            f"FROM main.sessions {where} ORDER BY id",
            params,
        )
        if conditions:  # the trainees of the calls, and those named by an assignment (all of which travel)
            conn.execute(
                f"INSERT INTO bundle_out.trainees ({cols['trainees']}) SELECT {prefixed['trainees']} "
                "FROM main.trainees x WHERE x.id IN (SELECT trainee_id FROM bundle_out.sessions) "
                "OR x.id IN (SELECT trainee_id FROM main.assignments) ORDER BY x.id"
            )
        else:
            conn.execute(
                f"INSERT INTO bundle_out.trainees ({cols['trainees']}) SELECT {cols['trainees']} FROM main.trainees ORDER BY id"
            )
        conn.execute(
            "INSERT INTO bundle_out.trainee_aliases SELECT x.alias_id, x.trainee_id FROM main.trainee_aliases x "
            "WHERE x.trainee_id IN (SELECT id FROM bundle_out.trainees) ORDER BY x.alias_id"
        )
        conn.execute(
            f"INSERT INTO bundle_out.turns ({cols['turns']}) SELECT {prefixed['turns']} "
            "FROM bundle_out.sessions s CROSS JOIN main.turns x ON x.session_id = s.id "
            "ORDER BY x.session_id, x.idx, x.attempt"
        )
        conn.execute(
            "INSERT INTO bundle_out.score_blockers SELECT x.session_id, x.turn_id, x.rule_id "
            "FROM bundle_out.sessions s CROSS JOIN main.score_blockers x ON x.session_id = s.id"
        )
        conn.execute(
            f"INSERT INTO bundle_out.annotations ({cols['annotations']}) SELECT {prefixed['annotations']} "
            "FROM bundle_out.sessions s CROSS JOIN main.annotations x ON x.session_id = s.id ORDER BY x.id"
        )
        # every assignment and withdrawal, whatever the filter: they are few, and a kiosk needs them all
        for table, order in (("assignments", "id"), ("assignment_withdrawals", "assignment_id")):
            conn.execute(
                f"INSERT INTO bundle_out.{table} ({cols[table]}) SELECT {cols[table]} FROM main.{table} ORDER BY {order}"
            )
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM bundle_out.{t}").fetchone()[0] for t in COLUMNS}
        conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    finally:
        conn.execute("DETACH DATABASE bundle_out")
    return counts


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
