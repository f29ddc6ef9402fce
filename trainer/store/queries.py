"""What a supervisor asks of the class's data: the trainee table, one trainee's history, the class summary.

Each reads only covering indexes from schema migration 2, so it stays fast on a database of
millions of turns. Means are over the sessions that have a score (finished calls); a session
whose dimension did not apply counts for the others only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..verdict import SCORED
from .db import DatabaseLike, connection

DIMENSIONS = SCORED  # the three dimensions and overall (the window and the reports read them from here)

SORTS = {
    "name": "t.name COLLATE NOCASE",
    "badge": "t.badge COLLATE NOCASE",
    "sessions": "sessions",
    "last_active": "last_active",
    "empathy": "empathy",
    "clarity": "clarity",
    "compliance": "compliance",
    "overall": "overall",
    "blocked": "blocked",
}


def _like(search: str) -> str:
    escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 1) if count else None


def trainee_table(
    db: DatabaseLike, search: str = "", sort: str = "name", descending: bool = False, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """One row per trainee: id, name, badge, sessions, last_active, mean empathy/clarity/compliance/overall
    (over scored sessions, one decimal), blocked (sessions with a compliance blocker).

    search matches part of the name or badge (case-insensitive); sort is one of SORTS; trainees
    without a value for the sort column come last either way.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    order = SORTS[sort]
    direction = "DESC" if descending else "ASC"
    sql = f"""
        SELECT t.id, t.name, t.badge,
               COALESCE(g.sessions, 0) AS sessions, g.last_active,
               g.empathy, g.clarity, g.compliance, g.overall, COALESCE(g.blocked, 0) AS blocked
        FROM trainees t
        LEFT JOIN (
            SELECT trainee_id, COUNT(*) AS sessions, MAX(started_at) AS last_active,
                   ROUND(AVG(empathy), 1) AS empathy, ROUND(AVG(clarity), 1) AS clarity,
                   ROUND(AVG(compliance), 1) AS compliance, ROUND(AVG(overall), 1) AS overall,
                   SUM(blocked) AS blocked
            FROM sessions INDEXED BY sessions_trainee
            GROUP BY trainee_id
        ) g ON g.trainee_id = t.id
        ORDER BY ({order}) IS NULL, {order} {direction}, t.name COLLATE NOCASE, t.id
        LIMIT :limit OFFSET :offset
    """
    if search.strip():
        sql = _filtered_table_sql(order, direction)
    conn = connection(db)
    cur = conn.execute(sql, {"pat": _like(search), "limit": int(limit), "offset": int(offset)})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _filtered_table_sql(order: str, direction: str) -> str:
    # With a search, aggregate only the matching trainees' sessions (an index range per trainee).
    return f"""
        SELECT t.id, t.name, t.badge,
               COUNT(s.trainee_id) AS sessions, MAX(s.started_at) AS last_active,
               ROUND(AVG(s.empathy), 1) AS empathy, ROUND(AVG(s.clarity), 1) AS clarity,
               ROUND(AVG(s.compliance), 1) AS compliance, ROUND(AVG(s.overall), 1) AS overall,
               COALESCE(SUM(s.blocked), 0) AS blocked
        FROM trainees t
        LEFT JOIN sessions s INDEXED BY sessions_trainee ON s.trainee_id = t.id
        WHERE (t.name LIKE :pat ESCAPE '\\' OR t.badge LIKE :pat ESCAPE '\\')
        GROUP BY t.id
        ORDER BY ({order}) IS NULL, {order} {direction}, t.name COLLATE NOCASE, t.id
        LIMIT :limit OFFSET :offset
    """


def trainee_count(db: DatabaseLike, search: str = "") -> int:
    """How many trainees trainee_table can page through with this search."""
    conn = connection(db)
    if not search.strip():
        return int(conn.execute("SELECT COUNT(*) FROM trainees").fetchone()[0])
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM trainees t WHERE t.name LIKE :pat ESCAPE '\\' OR t.badge LIKE :pat ESCAPE '\\'",
            {"pat": _like(search)},
        ).fetchone()[0]
    )


def find_trainee(db: DatabaseLike, id_or_name: str) -> tuple[str, str] | None:
    """(id, name) of the trainee with this id, or else the first with this name (any case)."""
    found: tuple[str, str] | None = (
        connection(db)
        .execute(
            "SELECT id, name FROM trainees WHERE id = ? OR name = ? COLLATE NOCASE ORDER BY id = ? DESC, created_at LIMIT 1",
            [id_or_name, id_or_name, id_or_name],
        )
        .fetchone()
    )
    return found


def trainee_history(db: DatabaseLike, trainee_id: str) -> list[dict[str, Any]]:
    """The trainee's sessions, oldest first, each with its scores, turn count, blockers (rule ids),
    topics, passed (the supervisor's verdict) and auto_passed (the automatic one), overrides ({dimension: value},
    the latest session-level override of each), lifted (rule ids of blockers a supervisor lifted) and
    comments (how many annotations of kind 'comment')."""
    conn = connection(db)
    cur = conn.execute(
        """
        SELECT s.id, s.scenario_id, s.scenario_title, s.topics, s.status, s.ending, s.started_at, s.ended_at,
               s.empathy, s.clarity, s.compliance, s.overall, s.blocked, s.rubric_version, s.persona_mode,
               s.kiosk_id, s.passed, s.auto_passed,
               (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) AS turns
        FROM sessions s INDEXED BY sessions_trainee
        WHERE s.trainee_id = ?
        ORDER BY s.started_at, s.id
    """,
        [trainee_id],
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    if not rows:
        return rows
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        r["topics"] = json.loads(r["topics"]) if r["topics"] else []
        r["blocked"] = bool(r["blocked"])
        r["passed"], r["auto_passed"] = bool(r["passed"]), bool(r["auto_passed"])
        r["blockers"], r["overrides"], r["comments"], r["lifted"] = [], {}, 0, []
    ids = list(by_id)
    for chunk in _chunks(ids, 500):
        marks = ",".join("?" * len(chunk))
        for sid, rule in conn.execute(
            f"SELECT DISTINCT session_id, rule_id FROM score_blockers WHERE session_id IN ({marks}) ORDER BY rule_id", chunk
        ):
            by_id[sid]["blockers"].append(rule)
        for sid, count in conn.execute(
            f"SELECT session_id, COUNT(*) FROM annotations WHERE session_id IN ({marks}) AND kind = 'comment' "
            f"GROUP BY session_id",
            chunk,
        ):
            by_id[sid]["comments"] += count
        for sid, rule in conn.execute(
            f"SELECT session_id, rule_id FROM annotations WHERE session_id IN ({marks}) "
            f"AND kind = 'blocker' ORDER BY created_at, rowid",
            chunk,
        ):
            by_id[sid]["lifted"].append(rule)
        for sid, dim, value in conn.execute(
            f"SELECT session_id, dimension, value FROM annotations WHERE session_id IN ({marks}) "
            f"AND kind = 'override' AND turn_id IS NULL ORDER BY created_at, rowid",
            chunk,
        ):
            by_id[sid]["overrides"][dim] = value
    return rows


def scenario_attempts(db: DatabaseLike, trainee_id: str) -> list[tuple[str, int, int | None, str | None]]:
    """Per scenario: (scenario_id, calls with at least one reply, best overall, last start)."""
    return (
        connection(db)
        .execute(
            "SELECT s.scenario_id, COUNT(*), MAX(s.overall), MAX(s.started_at) FROM sessions s "
            "WHERE s.trainee_id = ? AND EXISTS (SELECT 1 FROM turns t WHERE t.session_id = s.id) "
            "GROUP BY s.scenario_id",
            [trainee_id],
        )
        .fetchall()
    )


def ended_calls(db: DatabaseLike, trainee_id: str) -> list[dict[str, Any]]:
    """The trainee's calls that are no longer active and have replies, oldest first: scenario_id,
    started_at, the scores, blocked, passed and replies."""
    cur = connection(db).execute(
        "SELECT s.scenario_id, s.started_at, s.empathy, s.clarity, s.compliance, s.overall, s.blocked, s.passed, "
        "(SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) AS replies "
        "FROM sessions s WHERE s.trainee_id = ? AND s.status != 'active' ORDER BY s.started_at",
        [trainee_id],
    )
    names = [d[0] for d in cur.description]
    return [r for r in (dict(zip(names, row)) for row in cur.fetchall()) if r["replies"]]


def class_summary(db: DatabaseLike, topics: Mapping[str, Iterable[str]] | None = None, top_blockers: int = 10) -> dict[str, Any]:
    """The whole class at a glance.

    Returns trainees, sessions, scored (sessions with a score), passed, blocked_sessions,
    dimensions ({empathy, clarity, compliance, overall: mean}), scenarios and topics (lists of
    {scenario_id or topic, sessions, scored, passed, means…}, weakest overall first) and blockers
    (the most common compliance blockers: {rule_id, turns, sessions}).

    A session's topics are those stored with it; for older sessions stored without them, topics
    maps scenario_id -> its CRCR topics (e.g. from the scenario library).
    """
    conn = connection(db)
    topics = {k: list(v) for k, v in (topics or {}).items()}
    groups = conn.execute("""
        SELECT scenario_id, topics, COUNT(*) AS n,
               SUM(empathy), COUNT(empathy), SUM(clarity), COUNT(clarity),
               SUM(compliance), COUNT(compliance), SUM(overall), COUNT(overall),
               SUM(blocked), SUM(passed)
        FROM sessions INDEXED BY sessions_scenario
        GROUP BY scenario_id, topics
    """).fetchall()

    def empty() -> dict[str, Any]:
        return {"sessions": 0, "scored": 0, "passed": 0, "blocked": 0, **{f"_{d}": [0, 0] for d in DIMENSIONS}}

    def add(acc: dict[str, Any], g: Sequence[Any]) -> None:  # g: one row of groups
        acc["sessions"] += g[2]
        acc["scored"] += g[10]
        acc["blocked"] += g[11] or 0
        acc["passed"] += g[12] or 0
        for i, d in enumerate(DIMENSIONS):
            acc[f"_{d}"][0] += g[3 + 2 * i] or 0
            acc[f"_{d}"][1] += g[4 + 2 * i]

    def finish(acc: dict[str, Any]) -> dict[str, Any]:
        for d in DIMENSIONS:
            total, count = acc.pop(f"_{d}")
            acc[d] = _mean(total, count)
        return acc

    whole = empty()
    by_scenario: dict[str, dict[str, Any]] = {}
    by_topic: dict[str, dict[str, Any]] = {}
    for g in groups:
        add(whole, g)
        add(by_scenario.setdefault(g[0], empty()), g)
        names = json.loads(g[1]) if g[1] else topics.get(g[0], [])
        for topic in names:
            add(by_topic.setdefault(topic, empty()), g)
    titles = (
        dict(
            conn.execute(
                "SELECT scenario_id, (SELECT scenario_title FROM sessions x INDEXED BY sessions_scenario "
                "WHERE x.scenario_id = g.scenario_id LIMIT 1) FROM (SELECT DISTINCT scenario_id FROM sessions "
                "INDEXED BY sessions_scenario) g"
            ).fetchall()
        )
        if by_scenario
        else {}
    )
    blockers = [
        {"rule_id": r, "turns": n, "sessions": s}
        for r, n, s in conn.execute(
            "SELECT rule_id, COUNT(*) AS turns, COUNT(DISTINCT session_id) AS sessions "
            "FROM score_blockers INDEXED BY score_blockers_rule GROUP BY rule_id "
            "ORDER BY turns DESC, rule_id LIMIT ?",
            [top_blockers],
        )
    ]

    def weakest_first(item: dict[str, Any]) -> tuple[bool, float]:
        return (item["overall"] is None, item["overall"] if item["overall"] is not None else 0)

    scenarios = sorted(
        ({"scenario_id": k, "title": titles.get(k, ""), **finish(v)} for k, v in by_scenario.items()), key=weakest_first
    )
    topic_rows = sorted(({"topic": k, **finish(v)} for k, v in by_topic.items()), key=weakest_first)
    whole = finish(whole)
    return {
        "trainees": conn.execute("SELECT COUNT(*) FROM trainees").fetchone()[0],
        "sessions": whole["sessions"],
        "scored": whole["scored"],
        "passed": whole["passed"],
        "blocked_sessions": whole["blocked"],
        "dimensions": {d: whole[d] for d in DIMENSIONS},
        "scenarios": scenarios,
        "topics": topic_rows,
        "blockers": blockers,
    }


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
