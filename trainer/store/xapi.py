"""xAPI (Experience API 1.0.3) statements for finished calls, queued for a Learning Record Store.

Each finished session (completed or abandoned) becomes:
  - one "completed" (or "terminated", when the trainee hung up) statement with the call's result,
  - one "passed" or "failed" statement with the same score,
  - one "answered" statement per reply (unless include_turns=False).
Statement ids are derived from the session, turn and end time (and the supervisor overrides applied, if
any), so sending a statement twice is harmless: the LRS keeps one. A supervisor's override changes a
result: the call is queued again with new ids, and "voided" statements withdraw the ones sent before.
Sending (the client and the outbox folder) is in xapi_lrs.py. See docs/classroom-data.md.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .db import DatabaseLike, connection, now, second_connection

# the sending side, named here too so callers need one module (`X as X`: a deliberate re-export)
from .xapi_lrs import BATCH_SIZE as BATCH_SIZE, OUTBOX_FOLDER as OUTBOX_FOLDER, XAPI_VERSION as XAPI_VERSION
from .xapi_lrs import FlushResult as FlushResult, LRSClient as LRSClient, LRSError as LRSError, Outbox as Outbox
from .xapi_lrs import OutboxStatus as OutboxStatus, Statement as Statement, credentials_from_env as credentials_from_env

# how a statement is built, named here too so callers need one module
from .xapi_statements import DEFAULT_IRI_BASE as DEFAULT_IRI_BASE, FINISHED as FINISHED, VERBS as VERBS, PLATFORM
from .xapi_statements import session_statements as session_statements, statement_id as statement_id


def finished_sessions(db: DatabaseLike, since: str | None = None) -> list[str]:
    """Ids of the finished sessions (ended on or after since, an ISO date or time), oldest end first."""
    conn = connection(db)
    sql = "SELECT id FROM sessions WHERE status IN ('completed', 'abandoned')"
    params: list[str] = []
    if since:
        sql += " AND ended_at >= ?"
        params.append(since)
    return [r[0] for r in conn.execute(sql + " ORDER BY ended_at, id", params)]


def iter_statements(
    db: DatabaseLike,
    session_ids: Iterable[str] | None = None,
    *,
    since: str | None = None,
    include_turns: bool = True,
    iri_base: str = DEFAULT_IRI_BASE,
) -> Iterator[Statement]:
    ids = finished_sessions(db, since) if session_ids is None else session_ids
    for sid in ids:
        yield from session_statements(db, sid, include_turns=include_turns, iri_base=iri_base)


def write_statements(db: DatabaseLike, path: str | os.PathLike[str], **options: Any) -> int:
    """Every finished session's statements, as one JSON array in the file path; returns how many."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    n = 0
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("[")
        for st in iter_statements(db, **options):
            f.write(",\n" if n else "\n")
            f.write(json.dumps(st, ensure_ascii=False))
            n += 1
        f.write("\n]\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return n


# ---------------------------------------------------------------------------------------------- the outbox


def void_statement(target_id: str, timestamp: str, iri_base: str = DEFAULT_IRI_BASE) -> Statement:
    """A statement withdrawing an earlier one (xAPI "voided"); its id and content depend only on the arguments,
    so queuing it twice is harmless."""
    base = iri_base.rstrip("/")
    return {
        "id": statement_id("void", target_id),
        "actor": {"objectType": "Agent", "name": PLATFORM, "account": {"homePage": base, "name": "billing-trainer"}},
        "verb": {"id": VERBS["voided"], "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
        "timestamp": timestamp,
    }


def _queue_key(ended_at: str | None, override_ids: list[str]) -> str | None:
    """What xapi_queue.ended_at records: the end queued for, and the overrides applied then (if any).
    A call finished again, or overridden since, has another key and is queued again."""
    return ended_at if not override_ids else f"{ended_at or ''}#{json.dumps(sorted(override_ids))}"


def _parse_key(key: str | None) -> tuple[str | None, list[str]]:
    if key is None or "#" not in key:
        return key, []
    ended, _, ids = key.partition("#")
    try:
        parsed = json.loads(ids)
    except ValueError:
        return ended or None, []
    return ended or None, [i for i in parsed if isinstance(i, str)] if isinstance(parsed, list) else []


def _voids(
    conn: sqlite3.Connection,
    sid: str,
    old_key: str | None,
    ended: str | None,
    new: list[Statement],
    include_turns: bool,
    iri_base: str,
) -> list[Statement]:
    """Voiding statements for what an earlier send of the same ending said and this one does not."""
    old_end, old_ids = _parse_key(old_key)
    if old_key is None or old_end != ended:
        return []  # never sent, or sent for an earlier ending (that ending's statements stay true)
    keep = {st["id"] for st in new}
    old = session_statements(conn, sid, include_turns=include_turns, iri_base=iri_base, overrides=old_ids)
    stamp = (
        conn.execute("SELECT max(created_at) FROM annotations WHERE session_id = ? AND kind = 'override'", [sid]).fetchone()[0]
        or ended
        or now()
    )
    return [void_statement(st["id"], stamp, iri_base) for st in old if st["id"] not in keep]


def queue_finished_sessions(
    db: DatabaseLike,
    outbox: Outbox,
    *,
    include_turns: bool = True,
    iri_base: str = DEFAULT_IRI_BASE,
    sessions_per_batch: int = 20,
) -> int:
    """Put the statements of every finished session not queued yet (or finished again, or overridden since)
    in the outbox, with "voided" statements for what an override changed; returns how many sessions."""
    conn = connection(db)
    rows = conn.execute("""SELECT s.id, s.ended_at, q.ended_at,
                                  (SELECT json_group_array(a.id) FROM annotations a
                                   WHERE a.session_id = s.id AND a.kind = 'override')
                           FROM sessions s LEFT JOIN xapi_queue q ON q.session_id = s.id
                           WHERE s.status IN ('completed', 'abandoned')
                           ORDER BY s.ended_at, s.id""").fetchall()
    todo: list[tuple[str, str | None, str | None, str | None]] = []  # (session, ended, queued key, new key)
    for sid, ended, queued, ids in rows:
        key = _queue_key(ended, json.loads(ids) if ids else [])
        if key != queued:
            todo.append((sid, ended, queued, key))
    for i in range(0, len(todo), sessions_per_batch):
        chunk = todo[i : i + sessions_per_batch]
        statements: list[Statement] = []
        for sid, ended, queued, _ in chunk:
            new = session_statements(conn, sid, include_turns=include_turns, iri_base=iri_base)
            statements += new + _voids(conn, sid, queued, ended, new, include_turns, iri_base)
        outbox.enqueue(statements, batch_size=max(BATCH_SIZE, len(statements)))
        with conn:
            conn.executemany(
                "INSERT INTO xapi_queue (session_id, ended_at, queued_at) VALUES (?, ?, ?) "
                "ON CONFLICT(session_id) DO UPDATE SET ended_at = excluded.ended_at, "
                "queued_at = excluded.queued_at",
                [(sid, key, now()) for sid, _, _, key in chunk],
            )
    return len(todo)


# ---------------------------------------------------------------------------------------------- "Send now"

SETTING_ENDPOINT, SETTING_USER, SETTING_KEY_ENV = "lrs_endpoint", "lrs_user", "lrs_key_env"
DEFAULT_KEY_ENV = "BILLING_TRAINER_LRS_PASSWORD"


def send_now(
    db: DatabaseLike | str | os.PathLike[str],
    outbox: Outbox,
    endpoint: str,
    key_env: str = DEFAULT_KEY_ENV,
    *,
    user: str = "",
    include_turns: bool = True,
    iri_base: str = DEFAULT_IRI_BASE,
    retries: int = 3,
    timeout: float = 10.0,
    environ: Mapping[str, str] | None = None,
) -> FlushResult:
    """Queue every finished call not sent yet, then send the outbox to the LRS at endpoint, with the key read
    from the environment variable named key_env (the key itself is never stored). Problems come back in the
    result (error, rejected, reasons), never as exceptions, so a window can show them.

    db is a Store or connection, or a database file (opened here: a worker thread needs its own connection)."""
    if not (endpoint or "").strip():
        return FlushResult(error="no LRS endpoint is set", remaining=len(outbox.pending()))
    try:
        name, secret = credentials_from_env(key_env, user, environ)
        client = LRSClient(endpoint.strip(), name, secret, retries=retries, timeout=timeout)
    except ValueError as e:
        return FlushResult(error=str(e), remaining=len(outbox.pending()))
    if isinstance(db, (str, os.PathLike)):  # a file: a connection of this thread's own, closed below
        own, conn = True, second_connection(Path(db), read_only=False)
    else:
        own, conn = False, connection(db)
    try:
        queued = queue_finished_sessions(conn, outbox, include_turns=include_turns, iri_base=iri_base)
    except (sqlite3.Error, OSError) as e:
        return FlushResult(error=f"could not queue the calls: {e}", remaining=len(outbox.pending()))
    finally:
        if own:
            conn.close()
    result = outbox.flush(client)
    result.queued_sessions = queued
    return result
