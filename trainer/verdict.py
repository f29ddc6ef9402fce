"""Whether a call passed: the one rule, used by the debrief, progress, the supervisor's tables, CSV, PDF
and xAPI. The database keeps each call's verdict in sessions.passed, written by this rule through the
SQL function `call_passed` that every connection registers (trainer.store.db), and refreshed whenever
a call finishes, reopens, is imported or gets a supervisor's override.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from .domain import DIMENSIONS

RULE_VERSION = "2026.12-2"  # change it when the rule changes: every stored verdict is worked out again
PASS_MARK = 70  # a call's overall at or above this passes (with no compliance blocker standing)

SCORED = DIMENSIONS + ("overall",)  # what a supervisor may override


def effective_scores(
    scores: Mapping[str, int | None], blocked: bool, overrides: Mapping[str, int] | None = None, lifted: bool = False
) -> tuple[dict[str, int | None], bool]:
    """The scores with a supervisor's overrides in place, and whether a compliance blocker still stands.

    An override replaces its dimension. A blocker stands unless the supervisor lifted every blocker the call
    had (lifted, each with a reason) or overrode compliance to the pass mark or above (judged the replies
    compliant). Overall is the supervisor's if given; else it
    moves by the overridden dimensions' mean change (from the dimensions' mean when a blocker was cleared,
    as a blocked call's automatic overall is 0)."""
    overrides = {k: v for k, v in (overrides or {}).items() if k in SCORED and v is not None}
    out = {d: overrides.get(d, scores.get(d)) for d in DIMENSIONS}
    standing = blocked and not lifted and overrides.get("compliance", 0) < PASS_MARK
    overall = scores.get("overall")
    applicable = {d: v for d in DIMENSIONS if (v := out[d]) is not None}
    if "overall" in overrides:
        overall = overrides["overall"]
    elif standing:
        overall = 0 if overall is not None or applicable else None
    elif blocked and applicable:  # cleared
        overall = round(sum(applicable.values()) / len(applicable))
    elif overall is not None and applicable and any(d in overrides for d in DIMENSIONS):
        change = sum(v - (scores.get(d) or 0) for d, v in applicable.items() if d in overrides) / len(applicable)
        overall = max(0, min(100, round(overall + change)))
    out["overall"] = overall
    return out, standing


def passed(
    status: str,
    replies: int,
    scores: Mapping[str, int | None],
    blocked: bool,
    overrides: Mapping[str, int] | None = None,
    lifted: bool = False,
) -> bool:
    """A call passes when the patient closed it (a hang-up or an interrupted call never passes), it has
    at least one reply, no compliance blocker stands, its overall is at or above the pass mark, and no
    supervisor override puts a dimension below the pass mark."""
    if status != "completed" or replies < 1:
        return False
    effective, standing = effective_scores(scores, blocked, overrides, lifted)
    if standing or effective["overall"] is None or effective["overall"] < PASS_MARK:
        return False
    return not any(v < PASS_MARK for k, v in (overrides or {}).items() if k in SCORED and v is not None)


def passed_sql(
    status: str | None,
    replies: int | None,
    empathy: int | None,
    clarity: int | None,
    compliance: int | None,
    overall: int | None,
    blocked: int | None,
    overrides_json: str | bytes | None,
    lifted: int | None,
) -> int:
    """passed() for SQL (registered as call_passed): overrides as a JSON object {dimension: value}; lifted:
    every blocker of the call was lifted by a supervisor. With overrides_json NULL and lifted 0 it is the
    automatic verdict, kept beside the supervisor's."""
    try:
        overrides = json.loads(overrides_json) if overrides_json else {}
    except ValueError:
        overrides = {}
    if not isinstance(overrides, dict):
        overrides = {}
    clean = {k: v for k, v in overrides.items() if isinstance(v, int) and not isinstance(v, bool)}
    scores = {"empathy": empathy, "clarity": clarity, "compliance": compliance, "overall": overall}
    return int(passed(str(status), int(replies or 0), scores, bool(blocked), clean, bool(lifted)))


def verdict_words(status: str, is_passed: bool) -> str:
    """How every view names a call's verdict."""
    if is_passed:
        return "Passed"
    return {"abandoned": "Hung up (not passed)", "interrupted": "Interrupted (not passed)", "active": "In progress"}.get(
        status, "Not passed yet"
    )
