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

import datetime as dt
import hashlib
import json
import os
import sqlite3
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..verdict import effective_scores, passed as call_passed
from .db import DatabaseLike, connection, now, second_connection
# the sending side, named here too so callers need one module (`X as X`: a deliberate re-export)
from .xapi_lrs import BATCH_SIZE as BATCH_SIZE, OUTBOX_FOLDER as OUTBOX_FOLDER, XAPI_VERSION as XAPI_VERSION
from .xapi_lrs import FlushResult as FlushResult, LRSClient as LRSClient, LRSError as LRSError, Outbox as Outbox
from .xapi_lrs import OutboxStatus as OutboxStatus, Statement as Statement, credentials_from_env as credentials_from_env

DEFAULT_IRI_BASE = "https://billing-trainer.invalid"  # not a real site: set your organisation's with iri_base
PLATFORM = "Billing Conversation Trainer"
VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
}
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION = "http://adlnet.gov/expapi/activities/interaction"
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://billing-trainer.invalid/xapi/statements")
FINISHED = ("completed", "abandoned")
Override = dict[str, Any]  # {dimension: value, "ids": [annotation ids], "lifted": [rule ids]}, each key if any


# ---------------------------------------------------------------------------------------------- statements

def statement_id(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


def _duration(start: str | None, end: str | None) -> str | None:
    if start is None or end is None:
        return None
    try:
        seconds = (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()
    except (TypeError, ValueError):
        return None
    return f"PT{max(0, round(seconds))}S"


def _revision(override_ids: Iterable[str]) -> str:
    """A short, stable name for a set of applied overrides (part of the ids of the statements they change)."""
    return hashlib.sha256(",".join(sorted(override_ids)).encode()).hexdigest()[:16]


def _overrides(conn: sqlite3.Connection, session_id: str,
               applied: Iterable[str] | None) -> tuple[Override, dict[str, Override]]:
    """The latest value of each overridden dimension, with the ids of the overrides behind it:
    ({dimension: value, "ids": [...]}, {turn_id: same}). applied limits them to those annotation ids
    (the set an earlier send used); None means every override the database holds."""
    allowed = None if applied is None else set(applied)
    session: Override = {}
    turns: dict[str, Override] = {}
    for aid, turn_id, kind, dim, value, rule in conn.execute(
            "SELECT id, turn_id, kind, dimension, value, rule_id FROM annotations WHERE session_id = ? "
            "AND kind IN ('override', 'blocker') ORDER BY created_at, rowid", [session_id]):
        if allowed is not None and aid not in allowed:
            continue
        if kind == "blocker":  # a lifted blocker counts for the whole call
            session.setdefault("lifted", []).append(rule)
            session.setdefault("ids", []).append(aid)
            continue
        target = session if turn_id is None else turns.setdefault(turn_id, {})
        target[dim] = value
        target.setdefault("ids", []).append(aid)
    return session, turns


def session_statements(db: DatabaseLike, session_id: str, *, include_turns: bool = True, iri_base: str = DEFAULT_IRI_BASE,
                       overrides: Iterable[str] | None = None) -> list[Statement]:
    """The statements for one finished session ([] if it is not finished), with the supervisor overrides
    applied (all of them, or only the annotation ids in overrides)."""
    conn = connection(db)
    cur = conn.execute("""SELECT s.*, t.name AS trainee_name FROM sessions s JOIN trainees t ON t.id = s.trainee_id
                          WHERE s.id = ?""", [session_id])
    row = cur.fetchone()
    if row is None:
        raise KeyError(f"no session {session_id}")
    s = dict(zip([d[0] for d in cur.description], row))
    if s["status"] not in FINISHED:
        return []
    return list(_statements(conn, s, include_turns, iri_base, _overrides(conn, session_id, overrides)))


def _apply(scores: dict[str, Any], blocked: bool, override: Override, ext: str,
           blockers: list[str] | None = None) -> tuple[dict[str, Any], bool]:
    """(scores, blocker still standing) with a supervisor's override (and lifted blockers) applied by the app's
    one rule (trainer.verdict); the automatic scores are kept beside them in extensions. Nothing changes (byte
    for byte) without an override: an id already sent must keep its content."""
    if not override:
        return scores, blocked
    dims = {k: v for k, v in override.items() if k not in ("ids", "lifted")}
    lifted = bool(blocked and blockers and set(blockers) <= set(override.get("lifted", [])))
    effective, standing = effective_scores(scores, blocked, dims, lifted)
    out: dict[str, Any] = {**effective, "extensions": {f"{ext}/automatic": dict(scores), f"{ext}/overrides": dims}}
    if override.get("lifted"):
        out["extensions"][f"{ext}/lifted-blockers"] = sorted(override["lifted"])
    return out, standing


def _statements(conn: sqlite3.Connection, s: dict[str, Any], include_turns: bool, iri_base: str,
                overrides: tuple[Override, dict[str, Override]]) -> Iterator[Statement]:
    session_override, turn_overrides = overrides
    base = iri_base.rstrip("/")
    ext = f"{base}/xapi/extensions"
    actor = {"objectType": "Agent", "name": s["trainee_name"],
             "account": {"homePage": base, "name": s["trainee_id"]}}
    scenario = {"objectType": "Activity", "id": f"{base}/scenarios/{urllib.parse.quote(s['scenario_id'])}",
                "definition": {"name": {"en-US": s["scenario_title"]}, "type": SIMULATION}}
    topics = json.loads(s["topics"]) if s.get("topics") else []
    context = {
        "registration": s["id"],
        "platform": PLATFORM,
        "language": "en-US",
        "revision": s["scenario_hash"][:16],
        "contextActivities": {"category": [
            {"objectType": "Activity", "id": f"{base}/crcr-topics/{t}", "definition": {"name": {"en-US": t}}}
            for t in topics]},
        "extensions": {f"{ext}/scenario-id": s["scenario_id"], f"{ext}/scenario-hash": s["scenario_hash"],
                       f"{ext}/rubric-version": s["rubric_version"], f"{ext}/persona-mode": s["persona_mode"],
                       f"{ext}/kiosk-id": s.get("kiosk_id")},
    }
    blockers = [r[0] for r in conn.execute("SELECT DISTINCT rule_id FROM score_blockers WHERE session_id = ? "
                                           "ORDER BY rule_id", [s["id"]])]
    auto = {"empathy": s["empathy"], "clarity": s["clarity"], "compliance": s["compliance"], "overall": s["overall"]}
    scores, _ = _apply(auto, bool(s["blocked"]), session_override, ext, blockers)
    overall = scores["overall"] if scores["overall"] is not None else 0
    # the one verdict (trainer.verdict, as sessions.passed) worked out with the overrides applied here: an
    # earlier send's statements, being voided, had fewer
    replies = conn.execute("SELECT COUNT(*) FROM turns WHERE session_id = ?", [s["id"]]).fetchone()[0]
    lifted = bool(s["blocked"] and blockers and set(blockers) <= set(session_override.get("lifted", [])))
    passed = call_passed(s["status"], replies, auto, bool(s["blocked"]),
                         {k: v for k, v in session_override.items() if k not in ("ids", "lifted")}, lifted)
    if session_override:  # the automatic verdict beside the supervisor's
        scores.setdefault("extensions", {})[f"{ext}/automatic-success"] = call_passed(
            s["status"], replies, auto, bool(s["blocked"]))
    result = {
        "score": {"scaled": round(overall / 100, 4), "raw": overall, "min": 0, "max": 100},
        "success": passed,
        "completion": s["status"] == "completed",
        "extensions": {f"{ext}/empathy": scores["empathy"], f"{ext}/clarity": scores["clarity"],
                       f"{ext}/compliance": scores["compliance"], f"{ext}/blockers": blockers,
                       f"{ext}/ending": s["ending"], **scores.get("extensions", {})},
    }
    duration = _duration(s["started_at"], s["ended_at"])
    if duration:
        result["duration"] = duration
    stamp = s["ended_at"] or s["started_at"]

    def statement(verb: str, obj: dict[str, Any], res: dict[str, Any], ctx: dict[str, Any], key: str,
                  timestamp: str) -> Statement:
        return {"id": statement_id(key, verb), "actor": actor,
                "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
                "object": obj, "result": res, "context": ctx, "timestamp": timestamp}

    key = f"session/{s['id']}/{stamp}"
    if session_override:
        key += f"/overrides/{_revision(session_override['ids'])}"
    yield statement("completed" if s["status"] == "completed" else "terminated", scenario, result, context, key, stamp)
    outcome = {k: v for k, v in result.items() if k in ("score", "success", "duration")}
    yield statement("passed" if passed else "failed", scenario, outcome, context, key, stamp)
    if not include_turns:
        return
    turn_context = {**context, "contextActivities": {**context["contextActivities"], "parent": [scenario]}}
    turn_context.pop("revision")
    turns = conn.execute("""
        SELECT x.id, x.idx, x.attempt, x.patient_node, x.patient_line_id, x.patient_text, x.reply, x.created_at,
               shown_score(x.detail, 'empathy', x.empathy), shown_score(x.detail, 'clarity', x.clarity),
               shown_score(x.detail, 'compliance', x.compliance), x.overall, x.blocked,
               (SELECT group_concat(rule_id, ' ') FROM score_blockers b WHERE b.session_id = x.session_id
                                                                         AND b.turn_id = x.id)
        FROM turns x WHERE x.session_id = ? ORDER BY x.idx, x.attempt""",
                         [s["id"]]).fetchall()
    for (tid, idx, attempt, node, line_id, patient, reply, created, e, c, p, o, blocked, rules) in turns:
        line = {"objectType": "Activity",
                "id": f"{scenario['id']}/lines/{urllib.parse.quote(line_id)}",
                "definition": {"name": {"en-US": f"{s['scenario_title']}: reply {idx + 1}"},
                               "description": {"en-US": patient}, "type": INTERACTION,
                               "interactionType": "fill-in"}}
        override = turn_overrides.get(tid, {})
        sc, standing = _apply({"empathy": e, "clarity": c, "compliance": p, "overall": o}, bool(blocked), override, ext)
        res = {"score": {"scaled": round(sc["overall"] / 100, 4), "raw": sc["overall"], "min": 0, "max": 100},
               "success": not standing, "response": reply,
               "extensions": {f"{ext}/empathy": sc["empathy"], f"{ext}/clarity": sc["clarity"],
                              f"{ext}/compliance": sc["compliance"],
                              f"{ext}/blockers": rules.split() if rules else [], f"{ext}/attempt": attempt,
                              f"{ext}/node": node, **sc.get("extensions", {})}}
        turn_key = f"turn/{tid}" + (f"/overrides/{_revision(override['ids'])}" if override else "")
        yield statement("answered", line, res, turn_context, turn_key, created)


def finished_sessions(db: DatabaseLike, since: str | None = None) -> list[str]:
    """Ids of the finished sessions (ended on or after since, an ISO date or time), oldest end first."""
    conn = connection(db)
    sql = "SELECT id FROM sessions WHERE status IN ('completed', 'abandoned')"
    params: list[str] = []
    if since:
        sql += " AND ended_at >= ?"
        params.append(since)
    return [r[0] for r in conn.execute(sql + " ORDER BY ended_at, id", params)]


def iter_statements(db: DatabaseLike, session_ids: Iterable[str] | None = None, *, since: str | None = None,
                    include_turns: bool = True, iri_base: str = DEFAULT_IRI_BASE) -> Iterator[Statement]:
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
    return {"id": statement_id("void", target_id),
            "actor": {"objectType": "Agent", "name": PLATFORM, "account": {"homePage": base, "name": "billing-trainer"}},
            "verb": {"id": VERBS["voided"], "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": target_id}, "timestamp": timestamp}


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


def _voids(conn: sqlite3.Connection, sid: str, old_key: str | None, ended: str | None, new: list[Statement],
           include_turns: bool, iri_base: str) -> list[Statement]:
    """Voiding statements for what an earlier send of the same ending said and this one does not."""
    old_end, old_ids = _parse_key(old_key)
    if old_key is None or old_end != ended:
        return []  # never sent, or sent for an earlier ending (that ending's statements stay true)
    keep = {st["id"] for st in new}
    old = session_statements(conn, sid, include_turns=include_turns, iri_base=iri_base, overrides=old_ids)
    stamp = conn.execute("SELECT max(created_at) FROM annotations WHERE session_id = ? AND kind = 'override'",
                         [sid]).fetchone()[0] or ended or now()
    return [void_statement(st["id"], stamp, iri_base) for st in old if st["id"] not in keep]


def queue_finished_sessions(db: DatabaseLike, outbox: Outbox, *, include_turns: bool = True,
                            iri_base: str = DEFAULT_IRI_BASE, sessions_per_batch: int = 20) -> int:
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
        chunk = todo[i:i + sessions_per_batch]
        statements: list[Statement] = []
        for sid, ended, queued, _ in chunk:
            new = session_statements(conn, sid, include_turns=include_turns, iri_base=iri_base)
            statements += new + _voids(conn, sid, queued, ended, new, include_turns, iri_base)
        outbox.enqueue(statements, batch_size=max(BATCH_SIZE, len(statements)))
        with conn:
            conn.executemany("INSERT INTO xapi_queue (session_id, ended_at, queued_at) VALUES (?, ?, ?) "
                             "ON CONFLICT(session_id) DO UPDATE SET ended_at = excluded.ended_at, "
                             "queued_at = excluded.queued_at", [(sid, key, now()) for sid, _, _, key in chunk])
    return len(todo)


# ---------------------------------------------------------------------------------------------- "Send now"

SETTING_ENDPOINT, SETTING_USER, SETTING_KEY_ENV = "lrs_endpoint", "lrs_user", "lrs_key_env"
DEFAULT_KEY_ENV = "BILLING_TRAINER_LRS_PASSWORD"


def send_now(db: DatabaseLike | str | os.PathLike[str], outbox: Outbox, endpoint: str, key_env: str = DEFAULT_KEY_ENV,
             *, user: str = "", include_turns: bool = True, iri_base: str = DEFAULT_IRI_BASE, retries: int = 3, timeout: float = 10.0,
             environ: Mapping[str, str] | None = None) -> FlushResult:
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
