"""A supervisor's assignments in the database: add, withdraw, list (for one trainee or all), and the calls
that may complete them. What "done" means is trainer.assignments' (it needs the scenario library).

A withdrawal is a row of its own (assignment_withdrawals), never a change to the assignment: bundles only add,
so it reaches every kiosk the assignment reached.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Sequence
from typing import Any

from .db import connection, now
from .verdicts import LIFTED_SQL, OVERRIDES_SQL  # the same reading of overrides and lifted blockers as the verdicts

KINDS = ("scenarios", "domain", "weakest")
MAX_SCENARIOS = 100  # listed in one assignment
MAX_TEXT = 200  # an author, a scenario id or a domain
COLUMNS = ("id", "created_at", "author", "kiosk_id", "trainee_id", "kind", "scenarios", "domain", "due", "target")
WITHDRAWAL_COLUMNS = ("assignment_id", "withdrawn_at", "author", "kiosk_id")
_ACTIVE = "NOT EXISTS (SELECT 1 FROM assignment_withdrawals w WHERE w.assignment_id = a.id)"


def add_assignment(
    db: Any,
    *,
    author: str,
    kind: str,
    due: str,
    target: int,
    trainee_id: str | None = None,
    scenarios: Sequence[str] = (),
    domain: str | None = None,
    created_at: str | None = None,
) -> str:
    """A new assignment's id. Checks its shape (kind, date, target 0-100, trainee); that the scenarios and
    the domain exist, and the due date is not past, is checked by trainer.assignments.add."""
    conn = connection(db)
    if kind not in KINDS:
        raise ValueError(f"an assignment is one of {', '.join(KINDS)}, not {kind!r}")
    author = (author or "").strip()
    if not author or len(author) > MAX_TEXT:
        raise ValueError(f"an assignment needs its author's name (at most {MAX_TEXT} characters)")
    parse_due(due)
    if type(target) is not int or not 0 <= target <= 100:
        raise ValueError(f"the pass target must be a whole number from 0 to 100, not {target!r}")
    listed: list[str] = []
    if kind == "scenarios":
        listed = list(dict.fromkeys(scenarios))  # each once, in the order given
        if not listed:
            raise ValueError("choose at least one scenario")
        if len(listed) > MAX_SCENARIOS or any(not isinstance(s, str) or not s or len(s) > MAX_TEXT for s in listed):
            raise ValueError(f"list at most {MAX_SCENARIOS} scenario ids")
    elif scenarios:
        raise ValueError(f"scenarios are listed only for an assignment of scenarios, not of kind {kind!r}")
    if kind == "domain" and not (isinstance(domain, str) and 0 < len(domain) <= MAX_TEXT):
        raise ValueError("choose a CRCR domain")
    if kind != "domain" and domain is not None:
        raise ValueError(f"a domain is given only for an assignment of a domain, not of kind {kind!r}")
    if trainee_id is not None and conn.execute("SELECT 1 FROM trainees WHERE id = ?", [trainee_id]).fetchone() is None:
        raise ValueError(f"no trainee {trainee_id}")
    aid = str(uuid.uuid4())
    kiosk = conn.execute("SELECT value FROM settings WHERE key = 'kiosk_id'").fetchone()
    with conn:
        conn.execute(
            f"INSERT INTO assignments ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            [
                aid,
                created_at or now(),
                author,
                kiosk[0] if kiosk else None,
                trainee_id,
                kind,
                json.dumps(listed) if kind == "scenarios" else None,
                domain if kind == "domain" else None,
                due,
                target,
            ],
        )
    return aid


def parse_due(due: str) -> dt.date:
    """The due date of YYYY-MM-DD; ValueError names what is wrong."""
    try:
        if not isinstance(due, str) or len(due) != 10:
            raise ValueError
        return dt.date.fromisoformat(due)
    except ValueError:
        raise ValueError(f"the due date must be a date written YYYY-MM-DD, not {due!r}") from None


def withdraw_assignment(db: Any, assignment_id: str, author: str) -> None:
    """Withdraw an assignment (it stays in the database, marked withdrawn, so no bundle brings it back)."""
    conn = connection(db)
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM assignment_withdrawals WHERE assignment_id = a.id) FROM assignments a WHERE a.id = ?",
        [assignment_id],
    ).fetchone()
    if row is None:
        raise ValueError(f"no assignment {assignment_id}")
    if row[0]:
        raise ValueError("that assignment was withdrawn already")
    kiosk = conn.execute("SELECT value FROM settings WHERE key = 'kiosk_id'").fetchone()
    with conn:
        conn.execute(
            "INSERT INTO assignment_withdrawals (assignment_id, withdrawn_at, author, kiosk_id) VALUES (?, ?, ?, ?)",
            [assignment_id, now(), (author or "").strip() or "supervisor", kiosk[0] if kiosk else None],
        )


def _rows(cur: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _assignments(cur: sqlite3.Cursor) -> list[dict[str, Any]]:
    out = _rows(cur)
    for r in out:
        r["scenarios"] = _listed(r["scenarios"])
    return out


def _listed(raw: object) -> list[str]:
    """A stored JSON list of scenario ids (anything else reads as none)."""
    try:
        value = json.loads(raw) if isinstance(raw, str) else []
    except ValueError:
        return []
    return [s for s in value if isinstance(s, str)] if isinstance(value, list) else []


_SELECT = (
    f"SELECT {', '.join(f'a.{c}' for c in COLUMNS)}, t.name AS trainee_name FROM assignments a "
    "LEFT JOIN trainees t ON t.id = a.trainee_id"
)


def assignments_for(db: Any, trainee_id: str) -> list[dict[str, Any]]:
    """The assignments standing for a trainee: theirs and the whole class's, soonest due first."""
    return _assignments(
        connection(db).execute(
            f"{_SELECT} WHERE (a.trainee_id = ? OR a.trainee_id IS NULL) AND {_ACTIVE} ORDER BY a.due, a.created_at, a.id",
            [trainee_id],
        )
    )


def all_assignments(db: Any) -> list[dict[str, Any]]:
    """Every assignment not withdrawn, soonest due first, each with trainee_name (None: the whole class)."""
    return _assignments(connection(db).execute(f"{_SELECT} WHERE {_ACTIVE} ORDER BY a.due, a.created_at, a.id"))


def trainees(db: Any) -> list[tuple[str, str]]:
    """(id, name) of every trainee, by name: a whole-class assignment applies to each."""
    return [
        (r[0], r[1]) for r in connection(db).execute("SELECT id, name FROM trainees ORDER BY name COLLATE NOCASE, id").fetchall()
    ]


def completed_calls(
    db: Any, trainee_ids: Sequence[str], since: str, passed_only: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """Per trainee, their completed calls started at or after since (oldest first): scenario_id, started_at,
    passed, the automatic scores, blocked, overrides (JSON {dimension: value}, NULL when the supervisor made
    none) and lifted (every blocker lifted). passed_only: only calls that passed (all a target of the pass
    mark or above can count)."""
    conn = connection(db)
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in trainee_ids}
    ids = list(out)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        # an index range per trainee (sessions_trainee); the subqueries read only these calls' annotations
        cur = conn.execute(
            f"SELECT trainee_id, scenario_id, started_at, passed, empathy, clarity, compliance, overall, blocked, "
            f"CASE WHEN EXISTS (SELECT 1 FROM annotations x WHERE x.session_id = sessions.id AND x.kind = 'override') "
            f"THEN {OVERRIDES_SQL} END AS overrides, {LIFTED_SQL} AS lifted FROM sessions "
            f"WHERE trainee_id IN ({','.join('?' * len(chunk))}) AND started_at >= ? AND status = 'completed' "
            f"{'AND passed = 1 ' if passed_only else ''}ORDER BY started_at",
            [*chunk, since],
        )
        for row in _rows(cur):
            out[row.pop("trainee_id")].append(row)
    return out
