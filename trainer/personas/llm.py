"""The model-voiced patient. The scripted engine still decides everything that matters (mood, which
node comes next, endings, what each line establishes); the model only says the chosen line in its own
words. Any failure (guard, timeout, refused connection, HTTP error, malformed or cut-off stream, empty
answer) gives the scripted line instead, marked `fallback=True`; the call goes on."""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, replace
from typing import Callable

from ..domain import PatientLine, Score
from ..llm.client import LLMClient, LLMError
from ..llm.guards import GuardContext, StreamGuard, check_reply, clean, whole_sentences
from ..llm.prompt import Exchange, build_messages, guard_facts
from ..scenarios.schema import Scenario
from ..scenarios.variables import fill
from .scripted import ScriptedPersona

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceOutcome:
    """What happened when the model voiced a line (for the UI's marker and for tests)."""

    node_id: str
    fallback: bool
    reason: str = ""            # why the scripted line was used ("timeout", "guard:no_ai_talk: …")
    seconds: float = 0.0
    first_token_seconds: float | None = None


class LLMPersona:
    mode = "llm"

    def __init__(self, scenario: Scenario, values: dict[str, str], rng: random.Random, client: LLMClient,
                 on_token: Callable[[str], None] | None = None, max_tokens: int = 90,
                 temperature: float = 0.7, seed: int | None = None):
        self.scripted = ScriptedPersona(scenario, values, rng)
        self.scenario = scenario
        self.values = values
        self.client = client
        self.on_token = on_token
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.seed = seed
        self.history: list[Exchange] = []
        self.last_outcome: VoiceOutcome | None = None
        self.outcomes: list[VoiceOutcome] = []
        self._gists: dict[str, str] = {}  # voiced text -> the scripted line it stands for

    # -- the Persona protocol ---------------------------------------------------------------
    @property
    def mood(self) -> int:
        return self.scripted.mood

    @property
    def revealed_concerns(self) -> list[str]:
        return self.scripted.revealed_concerns

    def snapshot(self) -> tuple:
        return self.scripted.snapshot(), tuple(self.history)

    def restore(self, snapshot: tuple) -> None:
        scripted, history = snapshot
        self.scripted.restore(scripted)
        self.history = list(history)

    def open(self) -> PatientLine:
        return self._voice(self.scripted.open())

    def respond(self, reply: str, score: Score) -> PatientLine:
        self.history.append(Exchange("trainee", reply))
        return self._voice(self.scripted.respond(reply, score))

    def gist_of(self, line: PatientLine) -> str:
        """The scripted text a voiced line stands for. The session should score replies and read
        patient cues (hardship…) from this, so a call branches the same whichever voice speaks."""
        return self._gists.get(line.text, line.text)

    # -- voicing ----------------------------------------------------------------------------
    def _voice(self, line: PatientLine) -> PatientLine:
        node = self.scenario.nodes.get(line.node_id)
        t0 = time.monotonic()
        if node is None:  # the engine's own "time up" line: nothing to voice
            return self._done(line, VoiceOutcome(line.node_id, False, "engine line", 0.0))
        messages = build_messages(self.scenario, self.values, node, line.text, line.mood,
                                  self.scripted.revealed_concerns, self.history)
        guard = StreamGuard(GuardContext.build(guard_facts(self.scenario, self.values, line.text),
                                               fill(self.scenario.persona.name, self.values)))
        first = None
        try:
            for piece in self.client.stream(messages, max_tokens=self.max_tokens,
                                            temperature=self.temperature, seed=self.seed):
                if first is None:
                    first = time.monotonic() - t0
                shown = guard.feed(piece)
                if guard.failed:
                    break
                if shown:
                    self._emit(shown)
            result, rest = guard.finish()
        except LLMError as e:
            return self._fallback(line, f"{e.kind}: {e}", t0, first)
        if not result.ok:
            return self._fallback(line, f"guard:{result.check}: {result.reason}", t0, first)
        text = whole_sentences(clean(guard.text))  # a reply cut at max_tokens loses its last half-sentence
        final = check_reply(text, guard.ctx)
        if not final.ok:
            return self._fallback(line, f"guard:{final.check}: {final.reason}", t0, first)
        if rest:
            self._emit(rest)
        self._gists[text] = line.text
        return self._done(replace(line, text=text, fallback=False),
                          VoiceOutcome(line.node_id, False, "", time.monotonic() - t0, first))

    def _fallback(self, line: PatientLine, reason: str, t0: float, first: float | None) -> PatientLine:
        log.info("model line replaced by the scripted one at node %s: %s", line.node_id, reason)
        return self._done(replace(line, fallback=True),
                          VoiceOutcome(line.node_id, True, reason, time.monotonic() - t0, first))

    def _done(self, line: PatientLine, outcome: VoiceOutcome) -> PatientLine:
        self.last_outcome = outcome
        self.outcomes.append(outcome)
        self.history.append(Exchange("patient", line.text))
        return line

    def _emit(self, text: str) -> None:
        if self.on_token is not None:
            try:
                self.on_token(text)
            except Exception:  # noqa: BLE001 - a UI callback never stops the call
                log.exception("on_token callback failed")
