"""The model-voiced patient. The scripted engine still decides everything that matters (mood, which
node comes next, endings, what each line establishes); the model only says the chosen line in its own
words. Any failure (guard, timeout, no first word in time, refused connection, HTTP error, malformed or
cut-off stream, empty answer) gives the scripted line instead, marked `fallback=True`; the call goes on.

Three styles. "paraphrase": the model says the line its own way, and the guard requires every fact of
the scripted line (names, numbers, amounts, dates, ids, yes/no, negations) in what it said. "choose"
(small models, chosen automatically below 3B parameters): the model picks a short reaction from a
hand-written list (`llm.reactions`), said before the scripted line, which is shown as written.
"lead_in": as "choose", but the model words the reaction itself (at most eight fact-free words)."""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable, TypeAlias, cast

from ..domain import PatientLine, Score
from ..llm.client import PATIENT_STOPS, LLMClient, LLMError
from ..llm.guards import GuardContext, StreamGuard, check_reply, clean, whole_sentences
from ..llm.lead_in import check_lead_in
from ..llm import reactions
from ..llm.prompt import (
    SHORT_STYLES,
    Conversation,
    Exchange,
    Message,
    guard_facts,
    mood_words,
    resolve_style,
    system_prompt,
    turn_message,
)
from ..scenarios.schema import Scenario
from ..scenarios.variables import fill
from .scripted import ScriptedPersona

log = logging.getLogger(__name__)

# what snapshot() returns: the scripted engine's own snapshot, the exchanges and the messages sent so far
Snapshot: TypeAlias = tuple[object, tuple[Exchange, ...], tuple[Message, ...]]

MAX_TOKENS = {"paraphrase": 64, "choose": 12, "lead_in": 12}
# A lead-in is one short sentence: stopping at its end saves generating words that would be cut.
LEAD_IN_STOPS = ("\n", ".", "!", "?")


def is_local(base_url: str) -> bool:
    """A server on this machine: its CPU is idle while the trainee types, so the history is sent ahead."""
    host = re.sub(r"^[a-z]+://", "", base_url.lower()).split("/")[0].rsplit(":", 1)[0].strip("[]")
    return host in ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class VoiceOutcome:
    """What happened when the model voiced a line (for the UI's marker, tests and benchmarks)."""

    node_id: str
    fallback: bool
    reason: str = ""  # why the scripted line was used ("timeout", "guard:no_ai_talk: …")
    seconds: float = 0.0
    first_token_seconds: float | None = None
    model_text: str = ""  # what the model said, shown or not


class LLMPersona:
    mode = "llm"

    def __init__(
        self,
        scenario: Scenario,
        values: dict[str, str],
        rng: random.Random,
        client: LLMClient,
        on_token: Callable[[str], None] | None = None,
        max_tokens: int | None = None,
        temperature: float = 0.7,
        seed: int | None = None,
        style: str | None = None,
        prefetch: bool | None = None,
    ):
        self.scripted = ScriptedPersona(scenario, values, rng)
        self.scenario = scenario
        self.values = values
        self.client = client
        self.on_token = on_token
        self.style = resolve_style(style or client.config.style, client.config.model)
        self.max_tokens = max_tokens or MAX_TOKENS[self.style]
        self.temperature = temperature
        self.seed = seed
        self.history: list[Exchange] = []
        self.conversation = Conversation(system_prompt(scenario, values, self.style), [])
        self.last_outcome: VoiceOutcome | None = None
        self.outcomes: list[VoiceOutcome] = []
        self._gists: dict[str, str] = {}  # voiced text -> the scripted line it stands for
        # after each line, send the conversation so far (one token back) so the server has it cached
        # by the time the trainee's reply comes: then a turn processes only its own short message
        self.prefetch = is_local(client.config.base_url) if prefetch is None else prefetch
        self._prefetching: threading.Thread | None = None
        self.reactions_said: list[str] = []
        self._shown = ""
        self.constrain = True  # send the reaction list as a grammar; off once a server refuses the fields

    # -- the Persona protocol ---------------------------------------------------------------
    @property
    def mood(self) -> int:
        return self.scripted.mood

    @property
    def revealed_concerns(self) -> list[str]:
        return self.scripted.revealed_concerns

    def snapshot(self) -> Snapshot:
        return self.scripted.snapshot(), tuple(self.history), tuple(self.conversation.turns)

    def restore(self, snapshot: object) -> None:
        """snapshot: what snapshot() returned (the session keeps it without looking inside)."""
        scripted, history, turns = cast(Snapshot, snapshot)
        self.scripted.restore(scripted)
        self.history = list(history)
        self.conversation.turns = list(turns)

    def open(self) -> PatientLine:
        return self._voice(self.scripted.open())

    def respond(self, reply: str, score: Score) -> PatientLine:
        self.history.append(Exchange("trainee", reply))
        return self._voice(self.scripted.respond(reply, score))

    def gist_of(self, line: PatientLine) -> str:
        """The scripted text a voiced line stands for. The session scores replies and reads patient
        cues (hardship…) from this; the guard has made sure the trainee saw every fact of it."""
        return self._gists.get(line.text, line.text)

    def _send_ahead(self, messages: list[Message], timeout: float) -> float:
        t0 = time.monotonic()
        try:
            self.client.complete(messages, max_tokens=1, temperature=0.0, deadline=t0 + timeout)
        except LLMError as e:
            log.info("sending the conversation ahead failed: %s", e)
        return time.monotonic() - t0

    def _prefetch(self) -> None:
        if not self.prefetch or (self._prefetching is not None and self._prefetching.is_alive()):
            return
        messages = [{"role": "system", "content": self.conversation.system}, *self.conversation.turns]
        self._prefetching = threading.Thread(target=self._send_ahead, args=(messages, 30.0), daemon=True, name="llm-prefetch")
        self._prefetching.start()

    # -- voicing ----------------------------------------------------------------------------
    def _voice(self, line: PatientLine) -> PatientLine:
        node = self.scenario.nodes.get(line.node_id)
        t0 = time.monotonic()
        if node is None:  # the engine's own "time up" line: nothing to voice
            return self._done(line, VoiceOutcome(line.node_id, False, "engine line", 0.0))
        heard = self.history[-1].text if self.history and self.history[-1].speaker == "trainee" else None
        message = turn_message(heard, line.text, line.mood, self.style)
        ctx = GuardContext.build(
            guard_facts(self.scenario, self.values, line.text),
            fill(self.scenario.persona.name, self.values),
            gist=line.text,
            earlier=[e.text for e in self.history if e.speaker == "patient"],
            heard=heard or "",
        )
        guard = StreamGuard(ctx)
        self._shown = ""  # what of a reaction has been shown already
        short = self.style in SHORT_STYLES
        offered: list[str] = []
        if self.style == "choose":
            offered = reactions.choices(mood_words(line.mood), heard is None, ctx, self.reactions_said[-reactions.RECENT :])
            if not offered:
                return self._fallback(line, message, "guard:lead_in: no reaction fits this line", t0, None)
        constrained = bool(offered) and self.constrain
        first = None
        try:
            for piece in self.client.stream(
                self.conversation.request(message),
                max_tokens=self.max_tokens,
                temperature=self.temperature,
                seed=self.seed,
                stop=LEAD_IN_STOPS if short else PATIENT_STOPS,
                # the call's first line waits out the deadline: the phone rings while the server reads
                # the system prompt, which no earlier request can have sent ahead
                first_token_timeout=self.client.config.first_word_timeout if heard is not None else None,
                extra=reactions.constraint(offered) if constrained else None,
            ):
                if first is None:
                    first = time.monotonic() - t0
                shown = guard.feed(piece)
                if guard.failed:
                    break
                if shown and not short:  # a free lead-in is held whole: it is checked as one piece
                    self._emit(shown)
                elif offered:  # a reaction shows as it comes while what came begins one on the list
                    so_far = guard.text.lstrip()
                    if len(so_far) > len(self._shown) and any(r.startswith(so_far) for r in offered):
                        self._emit(so_far[len(self._shown) :])
                        self._shown = so_far
            result, rest = guard.finish()
        except LLMError as e:
            if constrained and e.kind == "http" and e.status in (400, 422):  # a server that refuses the fields
                self.constrain = False
            return self._fallback(line, message, f"{e.kind}: {e}", t0, first, guard.text)
        chosen = reactions.match(guard.text, offered)
        if chosen:
            return self._say_lead(line, message, chosen, guard.text, t0, first)
        if short:  # a free lead-in, or a server that ignored the list: checked word by word
            return self._lead_in(line, message, guard.text, ctx, t0, first)
        if not result.ok:
            return self._fallback(line, message, f"guard:{result.check}: {result.reason}", t0, first, guard.text)
        text = whole_sentences(clean(guard.text))  # a reply cut at max_tokens loses its last half-sentence
        final = check_reply(text, ctx)
        if not final.ok:
            return self._fallback(line, message, f"guard:{final.check}: {final.reason}", t0, first, guard.text)
        if rest:
            self._emit(rest)
        return self._spoken(line, message, text, text, t0, first)

    def _lead_in(
        self, line: PatientLine, message: str, raw: str, ctx: GuardContext, t0: float, first: float | None
    ) -> PatientLine:
        lead = clean(raw).strip("\"“”'‘’ ")  # the stop at "." can cut a closing quote off: drop both
        verdict = check_lead_in(lead, ctx)
        if not verdict.ok and verdict.check == "lead_in":  # a small model often goes on: keep its first clause
            head = re.match(r"[^,.!?…]*[,.!?…]", lead)
            if head and head.group(0) != lead:
                lead = head.group(0).strip()
                verdict = check_lead_in(lead, ctx)
        if not verdict.ok:
            return self._fallback(line, message, f"guard:{verdict.check}: {verdict.reason}", t0, first, raw)
        return self._say_lead(line, message, lead, raw, t0, first)

    def _say_lead(self, line: PatientLine, message: str, lead: str, raw: str, t0: float, first: float | None) -> PatientLine:
        """The reaction, then the scripted line exactly as written."""
        if lead[-1] not in ".,!?…":
            lead += "."
        self.reactions_said.append(lead)
        text = f"{lead} {line.text}"
        self._emit(text[len(self._shown) :] if text.startswith(self._shown) else text)
        return self._spoken(line, message, text, raw.strip(), t0, first)

    def _spoken(self, line: PatientLine, message: str, text: str, said: str, t0: float, first: float | None) -> PatientLine:
        self.conversation.record(message, said)
        self._gists[text] = line.text
        return self._done(
            replace(line, text=text, fallback=False), VoiceOutcome(line.node_id, False, "", time.monotonic() - t0, first, said)
        )

    def _fallback(
        self, line: PatientLine, message: str, reason: str, t0: float, first: float | None, model_text: str = ""
    ) -> PatientLine:
        log.info("model line replaced by the scripted one at node %s: %s", line.node_id, reason)
        self.conversation.record(message, line.text)
        return self._done(
            replace(line, fallback=True), VoiceOutcome(line.node_id, True, reason, time.monotonic() - t0, first, model_text)
        )

    def _done(self, line: PatientLine, outcome: VoiceOutcome) -> PatientLine:
        self.last_outcome = outcome
        self.outcomes.append(outcome)
        self.history.append(Exchange("patient", line.text))
        if not line.ending:
            self._prefetch()
        return line

    def _emit(self, text: str) -> None:
        if self.on_token is not None:
            try:
                self.on_token(text)
            except Exception:  # noqa: BLE001 - a UI callback never stops the call
                log.exception("on_token callback failed")
