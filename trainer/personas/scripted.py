"""The scripted patient: walks the scenario's dialogue graph on what each reply did."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, cast

from ..domain import PatientLine, Score
from ..scenarios.schema import Condition, Node, Scenario
from ..scenarios.variables import fill

# A line the engine says itself when a call runs past the scenario's max_turns.
TIME_UP = "I'm sorry, I have to go now. I'll call back another time."

# How much a reply moves the patient's mood (0 = furious, 100 = at ease).
MOOD_PER_10_POINTS = 1.5  # of the turn's overall score above or below 50
MOOD_BLOCKER = -15
MOOD_MOVES = {"acknowledged_feeling": 3, "apologized": 3, "explored": 2, "threatened": -12, "blamed": -8, "dismissed": -8}

# What respond() changes: the node, the mood, the turns taken, the concerns revealed and the rng's state.
Snapshot = tuple[str, int, int, tuple[str, ...], tuple[Any, ...]]


class ScriptedPersona:
    mode = "scripted"
    on_token: Callable[[str], None] | None = None  # a scripted line arrives whole

    def __init__(self, scenario: Scenario, values: dict[str, str], rng: random.Random):
        self.scenario = scenario
        self.values = values
        self.rng = rng
        self._mood = scenario.mood.start
        self.node_id = scenario.start
        self.turns = 0
        self._revealed: list[str] = []

    @property
    def mood(self) -> int:
        return self._mood

    @property
    def revealed_concerns(self) -> list[str]:
        return list(self._revealed)

    def gist_of(self, line: PatientLine) -> str:
        return line.text

    def snapshot(self) -> Snapshot:
        return self.node_id, self._mood, self.turns, tuple(self._revealed), self.rng.getstate()

    def restore(self, snapshot: object) -> None:
        """snapshot: what snapshot() returned (the session keeps it without looking inside)."""
        self.node_id, self._mood, self.turns, revealed, rng_state = cast(Snapshot, snapshot)
        self._revealed = list(revealed)
        self.rng.setstate(rng_state)

    def open(self) -> PatientLine:
        return self._speak(self.node_id)

    def respond(self, reply: str, score: Score) -> PatientLine:
        self.turns += 1
        for concern in self.scenario.persona.hidden_concerns:
            if concern.id not in self._revealed and score.moves & set(concern.revealed_by):
                self._revealed.append(concern.id)
        self._mood = _clamp(self._mood + mood_change(score))
        node = self.scenario.nodes[self.node_id]
        edge = next(e for e in node.next if e.when is None or self._holds(e.when, score))
        self._mood = _clamp(self._mood + edge.mood)
        target = edge.goto
        threshold = self.scenario.mood.hang_up_below
        if threshold is not None and self._mood < threshold and not self.scenario.nodes[target].ending:
            target = next(n for n, x in self.scenario.nodes.items() if x.ending == "hung_up")
        if self.turns >= self.scenario.max_turns and not self.scenario.nodes[target].ending:
            self.node_id = "time_up"
            return PatientLine("time_up", "engine.time_up", TIME_UP, self._mood, ending="hung_up")
        return self._speak(target)

    def _speak(self, node_id: str) -> PatientLine:
        self.node_id = node_id
        node: Node = self.scenario.nodes[node_id]
        line = self.rng.choice(node.say)
        return PatientLine(
            node_id,
            line.id,
            fill(line.text, self.values),
            self._mood,
            ending=node.ending,
            model_answer=fill(node.model_answer, self.values),
            sets=dict(node.sets),
        )

    def _holds(self, c: Condition, score: Score) -> bool:
        moves = score.moves
        if c.moves_any and not moves & set(c.moves_any):
            return False
        if c.moves_all and not set(c.moves_all) <= moves:
            return False
        if moves & set(c.moves_none):
            return False
        for dim, low in c.min.items():  # a dimension that is not applicable passes
            d = score.dimension(dim)
            if d.applicable and d.score < low:
                return False
        for dim, high in c.max.items():
            d = score.dimension(dim)
            if not d.applicable or d.score >= high:
                return False
        if c.mood_min is not None and self._mood < c.mood_min:
            return False
        if c.mood_max is not None and self._mood > c.mood_max:
            return False
        if c.blocked is not None and bool(score.blockers) != c.blocked:
            return False
        return True


def mood_change(score: Score) -> int:
    delta = (score.overall - 50) / 10 * MOOD_PER_10_POINTS
    delta += sum(MOOD_MOVES.get(m, 0) for m in score.moves)
    if score.blockers:
        delta += MOOD_BLOCKER
    return round(delta)


def _clamp(v: float) -> int:
    return int(max(0, min(100, v)))
