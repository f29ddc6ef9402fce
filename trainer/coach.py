"""What to practise next: the trainee's weakest dimension, topics not practised lately, calls not yet tried."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .domain import DIMENSIONS
from .progress import Progress, ScenarioStats
from .scenarios.loader import Library
from .scenarios.schema import TOPIC_LABELS, Scenario

# Which scenarios exercise a dimension most.
CLARITY_TOPICS = {
    "insurance-and-benefits",
    "medicare-and-medicaid",
    "claims-and-denials",
    "billing-and-statements",
    "pre-service-and-estimates",
    "credit-balances-and-refunds",
}
COMPLIANCE_TOPICS = {
    "collections-and-compliance",
    "privacy-and-authorization",
    "emergency-care-rules",
    "language-and-access",
    "financial-assistance",
}
NEVER = 30  # days counted for a topic never practised


@dataclass(frozen=True)
class Pick:
    scenario_id: str
    reason: str


def fits(scenario: Scenario, dimension: str) -> bool:
    topics = set(scenario.crcr_topics)
    if dimension == "empathy":
        return scenario.difficulty >= 3 or bool(scenario.persona.hidden_concerns)
    if dimension == "clarity":
        return bool(topics & CLARITY_TOPICS)
    return bool(topics & COMPLIANCE_TOPICS) or len(scenario.rules) >= 4


def weakest_dimension(progress: Progress) -> str | None:
    """The dimension with the lowest mean over the recent calls (None before any)."""
    means = {d: v for d in DIMENSIONS if (v := progress.mean(d)) is not None}
    return min(means, key=means.__getitem__) if means else None


def practise_next(
    library: Library, stats: dict[str, ScenarioStats], progress: Progress, today: dt.date | None = None
) -> Pick | None:
    if not library.scenarios:
        return None
    today = today or dt.date.today()
    weakest = weakest_dimension(progress)
    overall = progress.mean("overall")

    def staleness(topic: str) -> int:
        last = progress.topic_last.get(topic)
        return min(NEVER, (today - last).days) if last else NEVER

    def value(scenario: Scenario) -> float:
        st = stats.get(scenario.id)
        v = max(staleness(t) for t in scenario.crcr_topics) / 10
        v += 3 if st is None else (100 - (st.best or 0)) / 50
        if weakest and fits(scenario, weakest):
            v += 2
        if overall is not None and overall < 60:
            v -= max(0, scenario.difficulty - 3)  # build up before the hostile calls
        if overall is None:
            v -= scenario.difficulty / 2  # a first call should be a gentle one
        return v

    best = max(library.scenarios, key=lambda s: (value(s.scenario), s.scenario.id))
    sc = best.scenario
    topic = TOPIC_LABELS[max(sc.crcr_topics, key=staleness)]
    days = staleness(max(sc.crcr_topics, key=staleness))
    parts = []
    if weakest and fits(sc, weakest):
        parts.append(f"it works on {weakest}, your weakest area lately ({progress.mean(weakest)})")
    parts.append(
        f"you have not practised {topic} yet"
        if days >= NEVER
        else f"you last practised {topic} {days} day{'s' if days != 1 else ''} ago"
    )
    if sc.id not in stats:
        parts.append("it is a call you have not tried")
    return Pick(sc.id, f"“{sc.title}”, because " + "; ".join(parts) + ".")
