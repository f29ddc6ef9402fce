"""sessions.passed: each call's verdict, kept by trainer.verdict's rule (the SQL function call_passed)."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..verdict import passed_sql

# The session's replies and the latest session-level override of each dimension go to the one rule.
_VERDICT = """call_passed(status, (SELECT COUNT(*) FROM turns t WHERE t.session_id = sessions.id),
    empathy, clarity, compliance, overall, blocked,
    (SELECT json_group_object(dimension, value) FROM (
        SELECT a.dimension, a.value FROM annotations a
        WHERE a.session_id = sessions.id AND a.kind = 'override' AND a.turn_id IS NULL
        ORDER BY a.created_at, a.rowid)))"""
REFRESH_ALL_SQL = f"UPDATE sessions SET passed = {_VERDICT}"


def register(conn: sqlite3.Connection) -> None:
    """Make call_passed known to this connection (every connection the store opens does this)."""
    conn.create_function("call_passed", 8, passed_sql, deterministic=True)


def refresh(conn: sqlite3.Connection, session_ids: Iterable[str] | None = None) -> None:
    """Work the verdict out again for these sessions (all of them when None), in the caller's transaction."""
    if session_ids is None:
        conn.execute(REFRESH_ALL_SQL)
        return
    ids = list(session_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        conn.execute(f"{REFRESH_ALL_SQL} WHERE id IN ({','.join('?' * len(chunk))})", chunk)
