"""Explore a scenario with the real scripted engine: which endings can replies reach, and by what path?

Replies are stood in for by synthetic scores built from the scenario's own edge
conditions (each move it tests, each threshold it names), so the search covers
every branch an author wrote without depending on the scorer's wording.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import deque
from collections.abc import Iterable

from ..domain import DIMENSIONS, Blocker, DimensionScore, Score
from ..personas.scripted import ScriptedPersona
from .schema import Condition, Scenario
from .variables import draw


def synthetic_score(moves: Iterable[str] = (), dims: dict[str, int] | None = None, blocked: bool = False) -> Score:
    dims = {**{d: 60 for d in DIMENSIONS}, **(dims or {})}
    made = {d: DimensionScore(d, v) for d, v in dims.items()}
    blockers = [Blocker("synthetic", "synthetic breach", "test")] if blocked else []
    return Score(made["empathy"], made["clarity"], made["compliance"], "synthetic", blockers, frozenset(moves))


def palette(scenario: Scenario) -> list[Score]:
    """A small set of scores that between them satisfy (and fail) every edge condition."""
    out = [
        synthetic_score(),
        synthetic_score(dims={d: 95 for d in DIMENSIONS}),
        synthetic_score(dims={d: 10 for d in DIMENSIONS}),
        synthetic_score(blocked=True),
    ]
    for node in scenario.nodes.values():
        for edge in node.next:
            if edge.when is not None:
                out.append(_satisfying(edge.when))
    return out


def _satisfying(c: Condition) -> Score:
    moves = set(c.moves_all) | set(c.moves_any[:1])
    dims = {d: v for d, v in c.min.items()}
    dims.update({d: max(0, v - 1) for d, v in c.max.items()})
    return synthetic_score(moves, dims, bool(c.blocked))


def reachable_endings(scenario: Scenario) -> dict[str, list[str]]:
    """Each reachable ending node -> one path of node ids that gets there."""
    scores = palette(scenario)
    values = draw(scenario, random.Random(0), dt.date(2026, 1, 1))
    start = (scenario.start, scenario.mood.start, 0)
    queue = deque([(start, [scenario.start])])
    seen = {start}
    found: dict[str, list[str]] = {}
    while queue:
        (node_id, mood, turns), path = queue.popleft()
        if scenario.nodes.get(node_id) and scenario.nodes[node_id].ending:
            found.setdefault(node_id, path)
            continue
        if node_id == "time_up":
            found.setdefault("time_up", path)
            continue
        for score in scores:
            persona = ScriptedPersona(scenario, values, random.Random(0))
            persona.node_id, persona._mood, persona.turns = node_id, mood, turns
            line = persona.respond("", score)
            state = (line.node_id, persona.mood, persona.turns)
            if state not in seen:
                seen.add(state)
                queue.append((state, path + [line.node_id]))
    return found
