"""What a trainee's report card shows, read from the store (the PDF is drawn by trainer.ui.report_card)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .db import DatabaseLike, connection
from .queries import trainee_history


@dataclass(frozen=True)
class ReportCardData:
    name: str
    badge: str | None
    history: list[dict[str, Any]]  # trainee_history rows, oldest first
    comments: list[tuple[Any, ...]]  # the latest four: (author, kind, dimension, value, text, created_at, scenario_title)


def report_card_data(db: DatabaseLike, trainee_id: str) -> ReportCardData:
    """Raises KeyError when there is no such trainee."""
    conn = connection(db)
    row = conn.execute("SELECT name, badge FROM trainees WHERE id = ?", [trainee_id]).fetchone()
    if row is None:
        raise KeyError(f"no trainee {trainee_id}")
    comments = conn.execute(
        """
        SELECT a.author, a.kind, a.dimension, a.value, a.text, a.created_at, s.scenario_title
        FROM annotations a JOIN sessions s ON s.id = a.session_id
        WHERE s.trainee_id = ? ORDER BY a.created_at DESC, a.rowid DESC LIMIT 4""",
        [trainee_id],
    ).fetchall()
    return ReportCardData(row[0], row[1], trainee_history(conn, trainee_id), comments)
