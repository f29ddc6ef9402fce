"""Draw a scenario's variables for one attempt and fill them into its text."""

from __future__ import annotations

import datetime as dt
import random

from .schema import Scenario, Variable
from .templates import fill

__all__ = ["draw", "fill", "longest_value"]

# "September 30, 2026": the longest month name, a two-digit day and a four-digit year
_LONGEST_DATE = len("September 30, 2026")
_LONGEST_NUMBER = len("$-1,000,000,000.00")


def draw(scenario: Scenario, rng: random.Random, today: dt.date) -> dict[str, str]:
    return {name: _draw_one(var, rng, today) for name, var in scenario.variables.items()}


def _draw_one(var: Variable, rng: random.Random, today: dt.date) -> str:
    if var.choices is not None:
        return rng.choice(var.choices)
    pair = var.days_ago if var.days_ago is not None else var.days_ahead
    if pair is not None:
        lo, hi = pair
        days = rng.randint(lo, hi)
        day = today - dt.timedelta(days=days) if var.days_ago else today + dt.timedelta(days=days)
        return f"{day:%B} {day.day}, {day.year}"
    low, high = var.min, var.max
    if low is None or high is None:  # the schema gives every variable exactly one kind
        raise ValueError("a variable needs choices, days_ago, days_ahead or min and max")
    steps = int((high - low) // var.step)  # the schema bounds min, max and the number of steps
    value = min(low + var.step * rng.randint(0, steps), high)
    if var.format == "money":
        return f"${value:,.2f}"
    if var.format == "int":
        return str(int(value))
    return f"{value:g}"


def longest_value(var: Variable) -> int:
    """The most characters a drawn value can have, to bound how long a filled text can grow."""
    if var.choices is not None:
        return max(map(len, var.choices))
    return _LONGEST_DATE if var.min is None else _LONGEST_NUMBER
