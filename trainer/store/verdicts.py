"""sessions.passed and sessions.auto_passed: each call's verdict with the supervisor's overrides and lifted
blockers, and without them, kept by trainer.verdict's rule (the SQL function call_passed)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..verdict import RULE_VERSION, passed_sql

_REPLIES = "(SELECT COUNT(*) FROM turns t WHERE t.session_id = sessions.id)"
# the latest session-level override of each dimension
OVERRIDES_SQL = """(SELECT json_group_object(dimension, value) FROM (
        SELECT a.dimension, a.value FROM annotations a
        WHERE a.session_id = sessions.id AND a.kind = 'override' AND a.turn_id IS NULL
        ORDER BY a.created_at, a.rowid))"""
# every blocker the call had was lifted by a supervisor
LIFTED_SQL = """(blocked AND NOT EXISTS (SELECT 1 FROM score_blockers b WHERE b.session_id = sessions.id
        AND b.rule_id NOT IN (SELECT a.rule_id FROM annotations a WHERE a.session_id = sessions.id
                              AND a.kind = 'blocker')))"""
_SCORES = "status, " + _REPLIES + ", empathy, clarity, compliance, overall, blocked"
REFRESH_ALL_SQL = (
    f"UPDATE sessions SET passed = call_passed({_SCORES}, {OVERRIDES_SQL}, {LIFTED_SQL}), "
    f"auto_passed = call_passed({_SCORES}, NULL, 0)"
)
RULE_KEY = "verdict_rule"


def register(conn: sqlite3.Connection) -> None:
    """Make call_passed known to this connection (every connection the store opens does this)."""
    conn.create_function("call_passed", 9, passed_sql, deterministic=True)


def refresh(conn: sqlite3.Connection, session_ids: Iterable[str] | None = None) -> None:
    """Work the verdicts out again for these sessions (all of them when None), in the caller's transaction."""
    if session_ids is None:
        conn.execute(REFRESH_ALL_SQL)
        return
    ids = list(session_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        conn.execute(f"{REFRESH_ALL_SQL} WHERE id IN ({','.join('?' * len(chunk))})", chunk)


def keep_current(conn: sqlite3.Connection) -> None:
    """After an upgrade, or when the rule changed since the verdicts were worked out, work them all out again."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [RULE_KEY]).fetchone()
    if row and row[0] == RULE_VERSION:
        return
    with conn:
        refresh(conn)
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [RULE_KEY, RULE_VERSION],
        )
