"""Reviews of real calls (trainer/review): stored redacted, listed newest first, read back, deleted.

A review is written only from a trainer.review Review, which holds redacted text and
nothing else; the original transcript never reaches this module.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from .db import DatabaseLike, connection, now

if TYPE_CHECKING:
    from ..review.score import Review

LIST_COLUMNS = (
    "id",
    "created_at",
    "reviewer",
    "source",
    "format",
    "role",
    "rubric_version",
    "staff_turns",
    "empathy",
    "clarity",
    "compliance",
    "overall",
    "blocked",
)
MAX_REVIEWER = 80


def save_review(db: DatabaseLike, review: "Review", reviewer: str = "") -> str:
    """Store a redacted review; returns its id."""
    conn = connection(db)
    detail = review.to_dict()
    summary = detail["summary"]
    review_id = str(uuid.uuid4())
    kiosk = conn.execute("SELECT value FROM settings WHERE key = 'kiosk_id'").fetchone()
    with conn:
        conn.execute(
            "INSERT INTO reviews (id, created_at, reviewer, source, format, role, rubric_version, staff_turns, empathy, "
            "clarity, compliance, overall, blocked, kiosk_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                review_id,
                now(),
                _one_line(reviewer)[:MAX_REVIEWER],
                detail["source"],
                detail["format"],
                detail["role"],
                detail["rubric_version"],
                summary["turns"],
                summary["empathy"],
                summary["clarity"],
                summary["compliance"],
                summary["overall"],
                int(summary["blocked"]),
                kiosk[0] if kiosk else None,
                json.dumps(detail, ensure_ascii=False, separators=(",", ":")),
            ],
        )
    return review_id


def list_reviews(db: DatabaseLike, limit: int = 200) -> list[dict[str, Any]]:
    """The newest reviews first, without their turns."""
    conn = connection(db)
    rows = conn.execute(
        f"SELECT {', '.join(LIST_COLUMNS)} FROM reviews ORDER BY created_at DESC, rowid DESC LIMIT ?", [max(0, int(limit))]
    ).fetchall()
    return [dict(zip(LIST_COLUMNS, row)) for row in rows]


def get_review(db: DatabaseLike, review_id: str) -> dict[str, Any] | None:
    """A stored review with its turns (the dictionary Review.to_dict() wrote), or None."""
    row = connection(db).execute(f"SELECT {', '.join(LIST_COLUMNS)}, detail FROM reviews WHERE id = ?", [review_id]).fetchone()
    if row is None:
        return None
    out = dict(zip(LIST_COLUMNS, row[:-1]))
    try:
        out["detail"] = json.loads(row[-1])
    except ValueError:
        out["detail"] = None  # a damaged row is listed, and said to be unreadable, rather than stopping the list
    return out


def delete_review(db: DatabaseLike, review_id: str) -> bool:
    conn = connection(db)
    with conn:
        return conn.execute("DELETE FROM reviews WHERE id = ?", [review_id]).rowcount > 0


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()
