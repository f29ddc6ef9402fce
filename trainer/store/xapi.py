"""xAPI (Experience API 1.0.3) statements for finished calls, and a client for a Learning Record Store.

Each finished session (completed or abandoned) becomes:
  - one "completed" (or "terminated", when the trainee hung up) statement with the call's result,
  - one "passed" or "failed" statement with the same score,
  - one "answered" statement per reply (unless include_turns=False).
Statement ids are derived from the session, turn and end time, so sending a statement twice is
harmless: the LRS keeps one. Statements to send wait in an outbox folder (one JSON file per batch,
written atomically) until the LRS takes them; a batch that fails for lack of network stays there.
See docs/classroom-data.md.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .db import connection, now
from .queries import PASS_MARK

XAPI_VERSION = "1.0.3"
DEFAULT_IRI_BASE = "https://billing-trainer.invalid"  # not a real site: set your organisation's with iri_base
PLATFORM = "Billing Conversation Trainer"
VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
}
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION = "http://adlnet.gov/expapi/activities/interaction"
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://billing-trainer.invalid/xapi/statements")
BATCH_SIZE = 200  # statements per outbox file (one POST each)
OUTBOX_FOLDER = "xapi-outbox"
FINISHED = ("completed", "abandoned")


# ---------------------------------------------------------------------------------------------- statements

def statement_id(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


def _duration(start: str | None, end: str | None) -> str | None:
    try:
        seconds = (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()
    except (TypeError, ValueError):
        return None
    return f"PT{max(0, round(seconds))}S"


def session_statements(db, session_id: str, *, include_turns: bool = True,
                       iri_base: str = DEFAULT_IRI_BASE) -> list[dict[str, Any]]:
    """The statements for one finished session ([] if it is not finished)."""
    conn = connection(db)
    cur = conn.execute("""SELECT s.*, t.name AS trainee_name FROM sessions s JOIN trainees t ON t.id = s.trainee_id
                          WHERE s.id = ?""", [session_id])
    row = cur.fetchone()
    if row is None:
        raise KeyError(f"no session {session_id}")
    s = dict(zip([d[0] for d in cur.description], row))
    if s["status"] not in FINISHED:
        return []
    return list(_statements(conn, s, include_turns, iri_base))


def _statements(conn, s: dict, include_turns: bool, iri_base: str) -> Iterator[dict[str, Any]]:
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
    overall = s["overall"] if s["overall"] is not None else 0
    passed = bool(overall >= PASS_MARK and not s["blocked"])
    result = {
        "score": {"scaled": round(overall / 100, 4), "raw": overall, "min": 0, "max": 100},
        "success": passed,
        "completion": s["status"] == "completed",
        "extensions": {f"{ext}/empathy": s["empathy"], f"{ext}/clarity": s["clarity"],
                       f"{ext}/compliance": s["compliance"], f"{ext}/blockers": blockers,
                       f"{ext}/ending": s["ending"]},
    }
    duration = _duration(s["started_at"], s["ended_at"])
    if duration:
        result["duration"] = duration
    stamp = s["ended_at"] or s["started_at"]

    def statement(verb: str, obj: dict, res: dict, ctx: dict, key: str, timestamp: str) -> dict[str, Any]:
        return {"id": statement_id(key, verb), "actor": actor,
                "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
                "object": obj, "result": res, "context": ctx, "timestamp": timestamp}

    key = f"session/{s['id']}/{stamp}"
    yield statement("completed" if s["status"] == "completed" else "terminated", scenario, result, context, key, stamp)
    outcome = {k: v for k, v in result.items() if k in ("score", "success", "duration")}
    yield statement("passed" if passed else "failed", scenario, outcome, context, key, stamp)
    if not include_turns:
        return
    turn_context = {**context, "contextActivities": {**context["contextActivities"], "parent": [scenario]}}
    turn_context.pop("revision")
    turns = conn.execute("""
        SELECT x.id, x.idx, x.attempt, x.patient_node, x.patient_line_id, x.patient_text, x.reply, x.created_at,
               x.empathy, x.clarity, x.compliance, x.overall, x.blocked,
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
        res = {"score": {"scaled": round(o / 100, 4), "raw": o, "min": 0, "max": 100},
               "success": not blocked, "response": reply,
               "extensions": {f"{ext}/empathy": e, f"{ext}/clarity": c, f"{ext}/compliance": p,
                              f"{ext}/blockers": rules.split() if rules else [], f"{ext}/attempt": attempt,
                              f"{ext}/node": node}}
        yield statement("answered", line, res, turn_context, f"turn/{tid}", created)


def finished_sessions(db, since: str | None = None) -> list[str]:
    """Ids of the finished sessions (ended on or after since, an ISO date or time), oldest end first."""
    conn = connection(db)
    sql = "SELECT id FROM sessions WHERE status IN ('completed', 'abandoned')"
    params: list = []
    if since:
        sql += " AND ended_at >= ?"
        params.append(since)
    return [r[0] for r in conn.execute(sql + " ORDER BY ended_at, id", params)]


def iter_statements(db, session_ids: Iterable[str] | None = None, *, since: str | None = None,
                    include_turns: bool = True, iri_base: str = DEFAULT_IRI_BASE) -> Iterator[dict[str, Any]]:
    ids = finished_sessions(db, since) if session_ids is None else session_ids
    for sid in ids:
        yield from session_statements(db, sid, include_turns=include_turns, iri_base=iri_base)


def write_statements(db, path: str | os.PathLike, **options) -> int:
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


# ---------------------------------------------------------------------------------------------- the LRS

class LRSError(Exception):
    """The LRS did not take a batch. kind: 'offline' (try later), 'auth' (fix the credentials), 'rejected'."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


class LRSClient:
    """POSTs statements to an LRS's statements resource, with basic auth, retrying when it cannot be reached."""

    def __init__(self, endpoint: str, user: str = "", password: str = "", *, timeout: float = 10.0,
                 retries: int = 3, backoff: float = 0.5):
        parsed = urllib.parse.urlparse(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"the LRS endpoint must be an http:// or https:// address, not {endpoint!r}")
        self.url = endpoint if endpoint.rstrip("/").endswith("/statements") else endpoint.rstrip("/") + "/statements"
        self.url = self.url.rstrip("/")
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.headers = {"Content-Type": "application/json", "X-Experience-API-Version": XAPI_VERSION,
                        "Authorization": f"Basic {token}"}

    def post(self, statements: list[dict]) -> None:
        body = json.dumps(statements, ensure_ascii=False).encode("utf-8")
        last: Exception | str = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(self.url, data=body, method="POST", headers=self.headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                    return
            except urllib.error.HTTPError as e:
                detail = e.read()[:300].decode("utf-8", "replace").strip()
                if e.code in (401, 403):
                    raise LRSError(f"the LRS at {self.url} refused the credentials (HTTP {e.code}); check the "
                                   "user and password. The statements stay queued.", "auth") from e
                if e.code == 429 or e.code >= 500:
                    last = f"HTTP {e.code} {detail}"
                    continue
                raise LRSError(f"the LRS at {self.url} rejected the batch (HTTP {e.code}: {detail})", "rejected") from e
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
                last = getattr(e, "reason", None) or e
        raise LRSError(f"the LRS at {self.url} could not be reached after {self.retries + 1} tries ({last}); "
                       "the statements stay queued", "offline")


# ---------------------------------------------------------------------------------------------- the outbox

@dataclass
class FlushResult:
    sent_batches: int = 0
    sent_statements: int = 0
    rejected: list[Path] = field(default_factory=list)
    remaining: int = 0
    error: str | None = None


class Outbox:
    """Batches of statements waiting for the LRS: <folder>/<time>-<id>.json, oldest first.

    Batches the LRS rejects (malformed, or in conflict with statements it holds) move to
    <folder>/rejected/ with a .reason.txt beside them, so one bad batch never blocks the rest.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    @classmethod
    def beside(cls, database_path: str | os.PathLike) -> "Outbox":
        """The outbox next to a database file (the data folder's xapi-outbox)."""
        return cls(Path(database_path).parent / OUTBOX_FOLDER)

    def pending(self) -> list[Path]:
        return sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []

    def pending_statements(self) -> int:
        return sum(len(self._read(p) or []) for p in self.pending())

    def enqueue(self, statements: Iterable[dict], batch_size: int = BATCH_SIZE) -> list[Path]:
        """Write the statements as batch files (each written to a temporary name, flushed, then renamed)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        written, batch = [], []
        for st in statements:
            batch.append(st)
            if len(batch) >= batch_size:
                written.append(self._write(batch))
                batch = []
        if batch:
            written.append(self._write(batch))
        return written

    def _write(self, batch: list[dict]) -> Path:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.json"
        tmp = self.folder / f".{path.name}.partial"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(batch, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return path

    @staticmethod
    def _read(path: Path) -> list[dict] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return None
        return data if isinstance(data, list) else None

    def _reject(self, path: Path, reason: str) -> Path:
        folder = self.folder / "rejected"
        folder.mkdir(exist_ok=True)
        target = folder / path.name
        os.replace(path, target)
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
        return target

    def flush(self, client: LRSClient) -> FlushResult:
        """Send the batches, oldest first, until the outbox is empty or the LRS cannot be reached."""
        result = FlushResult()
        for path in self.pending():
            batch = self._read(path)
            if batch is None:
                result.rejected.append(self._reject(path, "the batch file could not be read"))
                continue
            try:
                client.post(batch)
            except LRSError as e:
                if e.kind == "rejected":
                    result.rejected.append(self._reject(path, str(e)))
                    continue
                result.error = str(e)
                break
            path.unlink()
            result.sent_batches += 1
            result.sent_statements += len(batch)
        result.remaining = len(self.pending())
        return result


def queue_finished_sessions(db, outbox: Outbox, *, include_turns: bool = True,
                            iri_base: str = DEFAULT_IRI_BASE, sessions_per_batch: int = 20) -> int:
    """Put the statements of every finished session not queued yet (or finished again since) in the outbox;
    returns how many sessions were queued."""
    conn = connection(db)
    rows = conn.execute("""SELECT s.id, s.ended_at FROM sessions s LEFT JOIN xapi_queue q ON q.session_id = s.id
                           WHERE s.status IN ('completed', 'abandoned') AND (q.session_id IS NULL
                                 OR q.ended_at IS NOT s.ended_at)
                           ORDER BY s.ended_at, s.id""").fetchall()
    for i in range(0, len(rows), sessions_per_batch):
        chunk = rows[i:i + sessions_per_batch]
        statements = [st for sid, _ in chunk
                      for st in session_statements(conn, sid, include_turns=include_turns, iri_base=iri_base)]
        outbox.enqueue(statements, batch_size=max(BATCH_SIZE, len(statements)))
        with conn:
            conn.executemany("INSERT INTO xapi_queue (session_id, ended_at, queued_at) VALUES (?, ?, ?) "
                             "ON CONFLICT(session_id) DO UPDATE SET ended_at = excluded.ended_at, "
                             "queued_at = excluded.queued_at", [(sid, ended, now()) for sid, ended in chunk])
    return len(rows)
