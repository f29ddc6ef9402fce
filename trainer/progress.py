"""A trainee's record, from the rows the store gives: per-scenario attempts, scores over time, streak, totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .scenarios.loader import Library
from .verdict import SCORED


@dataclass(frozen=True)
class ScenarioStats:
    attempts: int
    best: int | None
    last_played: dt.date | None


@dataclass(frozen=True)
class SessionPoint:
    day: dt.date
    scenario_id: str
    scores: dict[str, int | None]  # empathy, clarity, compliance, overall


@dataclass
class Progress:
    points: list[SessionPoint] = field(default_factory=list)  # oldest first
    by_topic: dict[str, int] = field(default_factory=dict)  # mean overall per CRCR topic
    topic_last: dict[str, dt.date] = field(default_factory=dict)
    streak_days: int = 0
    sessions: int = 0
    replies: int = 0
    passed: int = 0

    def mean(self, dimension: str, last: int = 10) -> int | None:
        vals = [v for p in self.points[-last:] if (v := p.scores.get(dimension)) is not None]
        return round(sum(vals) / len(vals)) if vals else None


def _day(stamp: str) -> dt.date:
    return dt.datetime.fromisoformat(stamp).astimezone().date()


def scenario_stats(rows: Sequence[tuple[str, int, int | None, str | None]]) -> dict[str, ScenarioStats]:
    """Attempts (calls with at least one reply), best overall and last play, per scenario
    (rows from trainer.store.queries.scenario_attempts)."""
    return {sid: ScenarioStats(n, best, _day(last) if last else None) for sid, n, best, last in rows}


def load_progress(calls: Sequence[Mapping[str, Any]], library: Library, today: dt.date | None = None) -> Progress:
    """The record from the trainee's ended calls (trainer.store.queries.ended_calls)."""
    today = today or dt.date.today()
    out = Progress()
    topic_scores: dict[str, list[int]] = {}
    days = set()
    for call in calls:
        day = _day(call["started_at"])
        days.add(day)
        out.points.append(SessionPoint(day, call["scenario_id"], {d: call[d] for d in SCORED}))
        out.sessions += 1
        out.replies += call["replies"]
        out.passed += int(bool(call["passed"]))
        loaded = library.get(call["scenario_id"])
        for topic in loaded.scenario.crcr_topics if loaded else ():
            topic_scores.setdefault(topic, []).append(call["overall"] or 0)
            out.topic_last[topic] = max(out.topic_last.get(topic, day), day)
    out.by_topic = {t: round(sum(v) / len(v)) for t, v in sorted(topic_scores.items())}
    day = today if today in days else today - dt.timedelta(days=1)
    while day in days:  # a streak survives until the end of the day after the last practice
        out.streak_days += 1
        day -= dt.timedelta(days=1)
    return out
