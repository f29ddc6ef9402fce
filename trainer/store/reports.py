"""Reports for supervisors: CSV files (one row per session, per turn, per annotation) and the class summary as text.

The columns are documented in docs/classroom-data.md. Text a trainee typed that starts with
=, +, - or @ is prefixed with an apostrophe so that a spreadsheet does not run it as a formula.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .db import DatabaseLike, connection
from ..verdict import PASS_MARK
from .queries import DIMENSIONS

SESSION_COLUMNS: dict[str, str] = {
    "session_id": "the session's UUID",
    "trainee_id": "the trainee's UUID",
    "trainee_name": "name the trainee signed in with",
    "badge": "badge id, if any",
    "kiosk_id": "UUID of the kiosk (database) where the call was made",
    "scenario_id": "scenario id (file name without .yaml)",
    "scenario_title": "scenario title",
    "topics": "the scenario's CRCR topics, separated by ';'",
    "scenario_hash": "SHA-256 of the scenario file used",
    "rubric_version": "version of the scoring rubric",
    "persona_mode": "scripted or model-voiced patient",
    "status": "completed, abandoned (hung up), interrupted (app stopped mid-call) or active",
    "ending": "how the call ended (resolved, payment_plan, escalated, hung_up) if completed",
    "started_at": "start, ISO 8601 UTC",
    "ended_at": "end, ISO 8601 UTC (empty if interrupted or active)",
    "duration_s": "seconds from start to end",
    "turns": "replies stored (retries included)",
    "empathy": "call score 0-100 (mean over the replies where it applied)",
    "clarity": "call score 0-100",
    "compliance": "call score 0-100",
    "overall": "call score 0-100 (0 if a compliance blocker occurred)",
    "blocked": "1 if any reply breached a compliance rule",
    "passed": f"1 if the call passed: completed by the patient, at least one reply, no compliance blocker "
    f"standing and overall >= {PASS_MARK}, with supervisor overrides and lifted blockers applied",
    "auto_passed": "the automatic verdict, before any supervisor override (1 passed, 0 not)",
    "blockers": "rule ids of the compliance blockers, separated by ';'",
    "lifted_blockers": "rule ids of the blockers a supervisor lifted, with a reason, separated by ';'",
    "override_empathy": "latest supervisor override of the call's empathy score (empty if none)",
    "override_clarity": "latest supervisor override of clarity",
    "override_compliance": "latest supervisor override of compliance",
    "override_overall": "latest supervisor override of overall",
    "comments": "number of supervisor comments on the call or its turns",
}
TURN_COLUMNS: dict[str, str] = {
    "turn_id": "the turn's UUID",
    "session_id": "its session's UUID",
    "trainee_id": "the trainee's UUID",
    "trainee_name": "trainee name",
    "scenario_id": "scenario id",
    "idx": "position of the patient line answered, from 0",
    "attempt": "1 for the first reply to that line, 2 for a retry …",
    "created_at": "when the reply was stored, ISO 8601 UTC",
    "patient_node": "scenario node of the patient line",
    "patient_line_id": "id of the patient line",
    "patient_text": "what the patient said",
    "reply": "what the trainee replied",
    "empathy": "reply score 0-100",
    "clarity": "reply score 0-100",
    "compliance": "reply score 0-100",
    "overall": "reply score 0-100 (0 if blocked)",
    "blocked": "1 if the reply breached a compliance rule",
    "blockers": "rule ids breached, separated by ';'",
    "rubric_version": "version of the scoring rubric",
    "override_empathy": "latest supervisor override of this reply's empathy (empty if none)",
    "override_clarity": "latest supervisor override of clarity",
    "override_compliance": "latest supervisor override of compliance",
    "override_overall": "latest supervisor override of overall",
}
ANNOTATION_COLUMNS: dict[str, str] = {
    "annotation_id": "the annotation's UUID",
    "session_id": "the session it is about",
    "turn_id": "the turn it is about (empty: the whole call)",
    "trainee_name": "trainee name",
    "author": "who wrote it",
    "kind": "comment or override",
    "dimension": "empathy, clarity, compliance or overall (overrides)",
    "value": "the supervisor's score 0-100 (overrides)",
    "text": "the comment, or the reason for the override",
    "created_at": "when, ISO 8601 UTC",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Text that a spreadsheet will show as text (never run as a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _overrides(conn: sqlite3.Connection, session_level: bool) -> dict[str, dict[str, int]]:
    """Latest override per (session or turn) and dimension."""
    key = "session_id" if session_level else "turn_id"
    where = "turn_id IS NULL" if session_level else "turn_id IS NOT NULL"
    out: dict[str, dict[str, int]] = {}
    for k, dim, value in conn.execute(
        f"SELECT {key}, dimension, value FROM annotations WHERE kind = 'override' AND {where} ORDER BY created_at, rowid"
    ):
        out.setdefault(k, {})[dim] = value
    return out


def _write_csv(path: Path, columns: Iterable[str], rows: Iterable[list[Any]]) -> int:
    """The header and rows to a CSV file; returns the number of rows."""
    n = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as f:  # with a BOM, so spreadsheets read UTF-8
        w = csv.writer(f)
        w.writerow(columns)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def write_sessions_csv(db: DatabaseLike, path: str | os.PathLike[str]) -> int:
    """One row per session (SESSION_COLUMNS); returns the number of rows."""
    conn = connection(db)
    overrides = _overrides(conn, session_level=True)
    comments = dict(
        conn.execute("SELECT session_id, COUNT(*) FROM annotations WHERE kind = 'comment' GROUP BY session_id").fetchall()
    )

    def rows() -> Iterator[list[Any]]:
        cur = conn.execute("""
            SELECT s.id, s.trainee_id, t.name, t.badge, s.kiosk_id, s.scenario_id, s.scenario_title, s.topics,
                   s.scenario_hash, s.rubric_version, s.persona_mode, s.status, s.ending, s.started_at, s.ended_at,
                   CAST(ROUND((julianday(s.ended_at) - julianday(s.started_at)) * 86400) AS INTEGER),
                   (SELECT COUNT(*) FROM turns x WHERE x.session_id = s.id),
                   s.empathy, s.clarity, s.compliance, s.overall, s.blocked,
                   (SELECT group_concat(rule_id, ';') FROM (SELECT DISTINCT rule_id FROM score_blockers b
                                                             WHERE b.session_id = s.id ORDER BY rule_id)),
                   s.passed, s.auto_passed,
                   (SELECT group_concat(rule_id, ';') FROM (SELECT DISTINCT rule_id FROM annotations a
                                                             WHERE a.session_id = s.id AND a.kind = 'blocker'
                                                             ORDER BY rule_id))
            FROM sessions s JOIN trainees t ON t.id = s.trainee_id
            ORDER BY t.name COLLATE NOCASE, s.started_at, s.id""")
        for row in cur:
            row = list(row)
            row[7] = ";".join(json.loads(row[7])) if row[7] else ""
            ov = overrides.get(row[0], {})
            yield (
                [safe_text(v) for v in row[:22]]
                + [row[23], row[24], safe_text(row[22] or ""), safe_text(row[25] or "")]
                + [ov.get(d, "") for d in DIMENSIONS]
                + [comments.get(row[0], 0)]
            )

    return _write_csv(Path(path), SESSION_COLUMNS, rows())


def write_turns_csv(db: DatabaseLike, path: str | os.PathLike[str]) -> int:
    """One row per stored reply (TURN_COLUMNS); returns the number of rows."""
    conn = connection(db)
    overrides = _overrides(conn, session_level=False)

    def rows() -> Iterator[list[Any]]:
        cur = conn.execute("""
            SELECT x.id, x.session_id, s.trainee_id, t.name, s.scenario_id, x.idx, x.attempt, x.created_at,
                   x.patient_node, x.patient_line_id, x.patient_text, x.reply,
                   shown_score(x.detail, 'empathy', x.empathy), shown_score(x.detail, 'clarity', x.clarity),
                   shown_score(x.detail, 'compliance', x.compliance), x.overall, x.blocked,
                   CASE WHEN x.blocked THEN (SELECT group_concat(rule_id, ';') FROM score_blockers b
                                             WHERE b.session_id = x.session_id AND b.turn_id = x.id) END,
                   x.rubric_version
            FROM sessions s JOIN trainees t ON t.id = s.trainee_id
            JOIN turns x ON x.session_id = s.id
            ORDER BY t.name COLLATE NOCASE, s.started_at, s.id, x.idx, x.attempt""")
        for row in cur:
            ov = overrides.get(row[0], {})
            yield [safe_text(v) if v is not None else "" for v in row] + [ov.get(d, "") for d in DIMENSIONS]

    return _write_csv(Path(path), TURN_COLUMNS, rows())


def write_annotations_csv(db: DatabaseLike, path: str | os.PathLike[str]) -> int:
    """One row per supervisor comment or override (ANNOTATION_COLUMNS); returns the number of rows."""
    conn = connection(db)
    rows = conn.execute("""
        SELECT a.id, a.session_id, a.turn_id, t.name, a.author, a.kind, a.dimension, a.value, a.text, a.created_at
        FROM annotations a JOIN sessions s ON s.id = a.session_id JOIN trainees t ON t.id = s.trainee_id
        ORDER BY a.created_at, a.rowid""")
    return _write_csv(Path(path), ANNOTATION_COLUMNS, ([safe_text(v) if v is not None else "" for v in row] for row in rows))


def write_csv_reports(db: DatabaseLike, folder: str | os.PathLike[str]) -> dict[Path, int]:
    """sessions.csv, turns.csv and annotations.csv in folder (made if missing); returns {file: rows}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[Path, int] = {}
    for name, writer in (
        ("sessions.csv", write_sessions_csv),
        ("turns.csv", write_turns_csv),
        ("annotations.csv", write_annotations_csv),
    ):
        out[folder / name] = writer(db, folder / name)
    return out


def format_class_summary(summary: Mapping[str, Any], rule_titles: Mapping[str, str] | None = None) -> str:
    """queries.class_summary as plain text for the terminal."""
    rule_titles = rule_titles or {}

    def num(v: float | None) -> str:
        return f"{'-' if v is None else f'{v:.1f}':>11}"

    def row(name: str, sessions: Any, means: Mapping[str, Any]) -> str:
        return f"  {name:<36}{sessions:>9}" + "".join(num(means[d]) for d in DIMENSIONS)

    header = f"  {'':<36}{'sessions':>9}" + "".join(f"{d:>11}" for d in DIMENSIONS)
    out = [
        f"{summary['trainees']} trainee(s), {summary['sessions']} session(s), {summary['scored']} scored, "
        f"{summary['passed']} passed, {summary['blocked_sessions']} with a compliance blocker",
        "",
        header,
        row("whole class", summary["scored"], summary["dimensions"]),
        "",
        "By CRCR topic (weakest first)",
    ]
    out += [row(r["topic"], r["sessions"], r) for r in summary["topics"]]
    out += ["", "By scenario (weakest first)"]
    out += [row(r["scenario_id"], r["sessions"], r) for r in summary["scenarios"]]
    out += ["", "Most common compliance blockers"]
    if not summary["blockers"]:
        out.append("  none")
    for b in summary["blockers"]:
        title = rule_titles.get(b["rule_id"], "")
        out.append(
            f"  {b['turns']:>7} replies in {b['sessions']:>6} sessions  {b['rule_id']}" + (f"  ({title})" if title else "")
        )
    return "\n".join(out)


def write_csv(db_or_path: DatabaseLike | str | os.PathLike[str], folder: str | os.PathLike[str]) -> list[Path]:
    """write_csv_reports for callers that pass the database file (e.g. a worker thread, which needs its own
    connection: it is opened read-only here and closed after); returns the files written."""
    if isinstance(db_or_path, (str, os.PathLike)):
        from .db import second_connection

        conn = second_connection(Path(db_or_path))
        try:
            return list(write_csv_reports(conn, folder))
        finally:
            conn.close()
    return list(write_csv_reports(db_or_path, folder))
