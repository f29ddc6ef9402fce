"""The xAPI statements for one finished call: built from its row, its turns and a supervisor's overrides
(the automatic scores kept beside them). xapi.py queues and sends them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from ..verdict import effective_scores, passed as call_passed
from .db import DatabaseLike, connection
from .xapi_lrs import Statement

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


def _overrides(conn: sqlite3.Connection, session_id: str, applied: Iterable[str] | None) -> tuple[Override, dict[str, Override]]:
    """The latest value of each overridden dimension, with the ids of the overrides behind it:
    ({dimension: value, "ids": [...]}, {turn_id: same}). applied limits them to those annotation ids
    (the set an earlier send used); None means every override the database holds."""
    allowed = None if applied is None else set(applied)
    session: Override = {}
    turns: dict[str, Override] = {}
    for aid, turn_id, kind, dim, value, rule in conn.execute(
        "SELECT id, turn_id, kind, dimension, value, rule_id FROM annotations WHERE session_id = ? "
        "AND kind IN ('override', 'blocker') ORDER BY created_at, rowid",
        [session_id],
    ):
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


def session_statements(
    db: DatabaseLike,
    session_id: str,
    *,
    include_turns: bool = True,
    iri_base: str = DEFAULT_IRI_BASE,
    overrides: Iterable[str] | None = None,
) -> list[Statement]:
    """The statements for one finished session ([] if it is not finished), with the supervisor overrides
    applied (all of them, or only the annotation ids in overrides)."""
    conn = connection(db)
    cur = conn.execute(
        """SELECT s.*, t.name AS trainee_name FROM sessions s JOIN trainees t ON t.id = s.trainee_id
                          WHERE s.id = ?""",
        [session_id],
    )
    row = cur.fetchone()
    if row is None:
        raise KeyError(f"no session {session_id}")
    s = dict(zip([d[0] for d in cur.description], row))
    if s["status"] not in FINISHED:
        return []
    return list(_statements(conn, s, include_turns, iri_base, _overrides(conn, session_id, overrides)))


def _apply(
    scores: dict[str, Any], blocked: bool, override: Override, ext: str, blockers: list[str] | None = None
) -> tuple[dict[str, Any], bool]:
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


def _statements(
    conn: sqlite3.Connection,
    s: dict[str, Any],
    include_turns: bool,
    iri_base: str,
    overrides: tuple[Override, dict[str, Override]],
) -> Iterator[Statement]:
    session_override, turn_overrides = overrides
    base = iri_base.rstrip("/")
    ext = f"{base}/xapi/extensions"
    actor = {"objectType": "Agent", "name": s["trainee_name"], "account": {"homePage": base, "name": s["trainee_id"]}}
    scenario = {
        "objectType": "Activity",
        "id": f"{base}/scenarios/{urllib.parse.quote(s['scenario_id'])}",
        "definition": {"name": {"en-US": s["scenario_title"]}, "type": SIMULATION},
    }
    topics = json.loads(s["topics"]) if s.get("topics") else []
    context = {
        "registration": s["id"],
        "platform": PLATFORM,
        "language": "en-US",
        "revision": s["scenario_hash"][:16],
        "contextActivities": {
            "category": [
                {"objectType": "Activity", "id": f"{base}/crcr-topics/{t}", "definition": {"name": {"en-US": t}}} for t in topics
            ]
        },
        "extensions": {
            f"{ext}/scenario-id": s["scenario_id"],
            f"{ext}/scenario-hash": s["scenario_hash"],
            f"{ext}/rubric-version": s["rubric_version"],
            f"{ext}/persona-mode": s["persona_mode"],
            f"{ext}/kiosk-id": s.get("kiosk_id"),
        },
    }
    blockers = [
        r[0] for r in conn.execute("SELECT DISTINCT rule_id FROM score_blockers WHERE session_id = ? ORDER BY rule_id", [s["id"]])
    ]
    auto = {"empathy": s["empathy"], "clarity": s["clarity"], "compliance": s["compliance"], "overall": s["overall"]}
    scores, _ = _apply(auto, bool(s["blocked"]), session_override, ext, blockers)
    overall = scores["overall"] if scores["overall"] is not None else 0
    # the one verdict (trainer.verdict, as sessions.passed) worked out with the overrides applied here: an
    # earlier send's statements, being voided, had fewer
    replies = conn.execute("SELECT COUNT(*) FROM turns WHERE session_id = ?", [s["id"]]).fetchone()[0]
    lifted = bool(s["blocked"] and blockers and set(blockers) <= set(session_override.get("lifted", [])))
    passed = call_passed(
        s["status"],
        replies,
        auto,
        bool(s["blocked"]),
        {k: v for k, v in session_override.items() if k not in ("ids", "lifted")},
        lifted,
    )
    if session_override:  # the automatic verdict beside the supervisor's
        scores.setdefault("extensions", {})[f"{ext}/automatic-success"] = call_passed(
            s["status"], replies, auto, bool(s["blocked"])
        )
    result = {
        "score": {"scaled": round(overall / 100, 4), "raw": overall, "min": 0, "max": 100},
        "success": passed,
        "completion": s["status"] == "completed",
        "extensions": {
            f"{ext}/empathy": scores["empathy"],
            f"{ext}/clarity": scores["clarity"],
            f"{ext}/compliance": scores["compliance"],
            f"{ext}/blockers": blockers,
            f"{ext}/ending": s["ending"],
            **scores.get("extensions", {}),
        },
    }
    duration = _duration(s["started_at"], s["ended_at"])
    if duration:
        result["duration"] = duration
    stamp = s["ended_at"] or s["started_at"]

    def statement(
        verb: str, obj: dict[str, Any], res: dict[str, Any], ctx: dict[str, Any], key: str, timestamp: str
    ) -> Statement:
        return {
            "id": statement_id(key, verb),
            "actor": actor,
            "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
            "object": obj,
            "result": res,
            "context": ctx,
            "timestamp": timestamp,
        }

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
    turns = conn.execute(
        """
        SELECT x.id, x.idx, x.attempt, x.patient_node, x.patient_line_id, x.patient_text, x.reply, x.created_at,
               shown_score(x.detail, 'empathy', x.empathy), shown_score(x.detail, 'clarity', x.clarity),
               shown_score(x.detail, 'compliance', x.compliance), x.overall, x.blocked,
               (SELECT group_concat(rule_id, ' ') FROM score_blockers b WHERE b.session_id = x.session_id
                                                                         AND b.turn_id = x.id)
        FROM turns x WHERE x.session_id = ? ORDER BY x.idx, x.attempt""",
        [s["id"]],
    ).fetchall()
    for tid, idx, attempt, node, line_id, patient, reply, created, e, c, p, o, blocked, rules in turns:
        line = {
            "objectType": "Activity",
            "id": f"{scenario['id']}/lines/{urllib.parse.quote(line_id)}",
            "definition": {
                "name": {"en-US": f"{s['scenario_title']}: reply {idx + 1}"},
                "description": {"en-US": patient},
                "type": INTERACTION,
                "interactionType": "fill-in",
            },
        }
        override = turn_overrides.get(tid, {})
        sc, standing = _apply({"empathy": e, "clarity": c, "compliance": p, "overall": o}, bool(blocked), override, ext)
        res = {
            "score": {"scaled": round(sc["overall"] / 100, 4), "raw": sc["overall"], "min": 0, "max": 100},
            "success": not standing,
            "response": reply,
            "extensions": {
                f"{ext}/empathy": sc["empathy"],
                f"{ext}/clarity": sc["clarity"],
                f"{ext}/compliance": sc["compliance"],
                f"{ext}/blockers": rules.split() if rules else [],
                f"{ext}/attempt": attempt,
                f"{ext}/node": node,
                **sc.get("extensions", {}),
            },
        }
        turn_key = f"turn/{tid}" + (f"/overrides/{_revision(override['ids'])}" if override else "")
        yield statement("answered", line, res, turn_context, turn_key, created)
