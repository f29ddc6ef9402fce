"""A trainee's record, read from the store: per-scenario attempts, scores over time, streak, totals."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .domain import DIMENSIONS
from .scenarios.loader import Library
from .scoring.session_score import PASS_MARK


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
        vals = [p.scores[dimension] for p in self.points[-last:] if p.scores.get(dimension) is not None]
        return round(sum(vals) / len(vals)) if vals else None


def _day(stamp: str) -> dt.date:
    return dt.datetime.fromisoformat(stamp).astimezone().date()


def scenario_stats(store, trainee_id: str) -> dict[str, ScenarioStats]:
    """Attempts (calls with at least one reply), best overall and last play, per scenario."""
    rows = store.db.execute(
        "SELECT s.scenario_id, COUNT(*), MAX(s.overall), MAX(s.started_at) FROM sessions s "
        "WHERE s.trainee_id = ? AND EXISTS (SELECT 1 FROM turns t WHERE t.session_id = s.id) "
        "GROUP BY s.scenario_id", [trainee_id]).fetchall()
    return {sid: ScenarioStats(n, best, _day(last) if last else None) for sid, n, best, last in rows}


def load_progress(store, trainee_id: str, library: Library, today: dt.date | None = None) -> Progress:
    today = today or dt.date.today()
    rows = store.db.execute(
        "SELECT s.scenario_id, s.started_at, s.empathy, s.clarity, s.compliance, s.overall, s.blocked, "
        "(SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) AS replies "
        "FROM sessions s WHERE s.trainee_id = ? AND s.status != 'active' ORDER BY s.started_at", [trainee_id]).fetchall()
    out = Progress()
    topic_scores: dict[str, list[int]] = {}
    days = set()
    for scenario_id, started, emp, cla, com, overall, blocked, replies in rows:
        if not replies:
            continue
        day = _day(started)
        days.add(day)
        out.points.append(SessionPoint(day, scenario_id, dict(zip(DIMENSIONS + ("overall",), (emp, cla, com, overall)))))
        out.sessions += 1
        out.replies += replies
        out.passed += int(not blocked and (overall or 0) >= PASS_MARK)
        loaded = library.get(scenario_id)
        for topic in loaded.scenario.crcr_topics if loaded else ():
            topic_scores.setdefault(topic, []).append(overall or 0)
            out.topic_last[topic] = max(out.topic_last.get(topic, day), day)
    out.by_topic = {t: round(sum(v) / len(v)) for t, v in sorted(topic_scores.items())}
    day = today if today in days else today - dt.timedelta(days=1)
    while day in days:  # a streak survives until the end of the day after the last practice
        out.streak_days += 1
        day -= dt.timedelta(days=1)
    return out
