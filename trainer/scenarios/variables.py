"""Draw a scenario's variables for one attempt and fill them into its text."""
from __future__ import annotations

import datetime as dt
import random

from .schema import Scenario, Variable


def draw(scenario: Scenario, rng: random.Random, today: dt.date) -> dict[str, str]:
    return {name: _draw_one(var, rng, today) for name, var in scenario.variables.items()}


def _draw_one(var: Variable, rng: random.Random, today: dt.date) -> str:
    if var.choices is not None:
        return rng.choice(var.choices)
    if var.days_ago is not None or var.days_ahead is not None:
        lo, hi = var.days_ago or var.days_ahead
        days = rng.randint(lo, hi)
        day = today - dt.timedelta(days=days) if var.days_ago else today + dt.timedelta(days=days)
        return f"{day:%B} {day.day}, {day.year}"
    steps = int((var.max - var.min) // var.step)
    value = var.min + var.step * rng.randint(0, steps)
    if var.format == "money":
        return f"${value:,.2f}"
    if var.format == "int":
        return str(int(value))
    return f"{value:g}"


def fill(text: str, values: dict[str, str]) -> str:
    return text.format_map(values) if "{" in text else text
