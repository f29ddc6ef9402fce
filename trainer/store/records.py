"""Typed records read back from the store (instead of untyped rows)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

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
    def from_row(cls, row: Mapping[str, Any]) -> "StoredTurn":
        score, problem = None, ""
        try:
            score = Score.from_dict(json.loads(unpack(row["detail"])))
        except (DetailError, ValueError) as e:
            problem = f"The score's detail cannot be read: {e}."
        fields = {k: row[k] for k in cls.__dataclass_fields__ if k not in ("score", "problem", "blocked")}
        if score is not None:  # a dimension that did not apply shows as n/a (None), never as its number
            fields.update({d.name: None for d in score.dimensions() if not d.applicable})
        return cls(**fields, blocked=bool(row["blocked"]), score=score, problem=problem)


class SessionRow(TypedDict):
    """A row of the sessions table as Store.session reads it (SELECT *)."""

    id: str
    trainee_id: str
    scenario_id: str
    scenario_title: str
    scenario_hash: str
    rubric_version: str
    persona_mode: str
    seed: int
    status: str  # active, completed, abandoned or interrupted
    ending: str | None
    started_at: str
    ended_at: str | None
    empathy: int | None
    clarity: int | None
    compliance: int | None
    overall: int | None
    blocked: int
    kiosk_id: str | None
    topics: str | None  # a JSON list of CRCR topics
    run_id: str | None
    passed: int  # the verdict with the supervisor's overrides (trainer.verdict)
    auto_passed: int


class AnnotationRow(TypedDict):
    """A row of the annotations table (a supervisor's comment, override or lifted blocker)."""

    id: str
    session_id: str
    turn_id: str | None  # None: about the whole session
    author: str
    kind: str  # comment, override or blocker
    dimension: str | None
    value: int | None
    rule_id: str | None
    text: str
    created_at: str
    kiosk_id: str | None
