"""Typed records read back from the store (instead of untyped rows)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..domain import Score
from .detail import DetailError, unpack


@dataclass(frozen=True)
class StoredTurn:
    """One stored reply with its score. `score` is None when the stored detail cannot be read (a damaged
    file); `problem` then says why, and the figures in the row still show."""

    id: str
    session_id: str
    idx: int
    attempt: int
    patient_node: str
    patient_line_id: str
    patient_text: str
    reply: str
    created_at: str
    rubric_version: str
    empathy: int | None
    clarity: int | None
    compliance: int | None
    overall: int
    blocked: bool
    score: Score | None
    problem: str = ""

    @classmethod
    def from_row(cls, row: dict) -> "StoredTurn":
        score, problem = None, ""
        try:
            score = Score.from_dict(json.loads(unpack(row["detail"])))
        except (DetailError, ValueError) as e:
            problem = f"The score's detail cannot be read: {e}."
        fields = {k: row[k] for k in cls.__dataclass_fields__ if k not in ("score", "problem", "blocked")}
        return cls(**fields, blocked=bool(row["blocked"]), score=score, problem=problem)
