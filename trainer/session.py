"""CallSession: the one owner of a call's turn. Personas, scorer and store never call each other.

One verb per step: open, submit, retry, hint, hang_up. Each reports what happened as events
(trainer.call_events) to its listeners, on the thread that ran the verb; the terminal prints them and
the window forwards them to its own thread. A turn (scoring, storing, the patient's answer) holds the
turn lock: while it runs, a second submit, a retry or a hint is refused with Busy, and a line that
arrives after the trainee hung up is dropped, so a finished call never changes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, TypeAlias

from .call_events import CallEnded, CallEvent, Listener, PatientSpoke, ReplyScored, Token
from .domain import CallState, PatientLine, Turn, cap_reply
from .personas.base import Persona
from .personas.scripted import ScriptedPersona
from .scenarios.loader import LoadedScenario
from .scenarios.schema import Scenario
from .scenarios.variables import draw, fill
from .scoring import ScoreContext, Scorer
from .scoring.context import FactSheet
from .scoring.fact_check import money_values
from .scoring.hints import next_move
from .scoring.moves import patient_cues
from .scoring.session_score import SessionScore, combine
from .store.errors import StoreError
from .verdict import passed

log = logging.getLogger(__name__)

HINT_COST = 5  # points off the call's overall for each hint taken

# Makes the patient for a call from its scenario, drawn values and random generator.
PersonaFactory: TypeAlias = Callable[[Scenario, dict[str, str], random.Random], Persona]


class CallStore(Protocol):
    """What a call needs of the store: a Store, or a StoreProxy that runs each of these on the store's thread."""

    @property
    def path(self) -> Path: ...

    def start_session(
        self,
        trainee_id: str,
        scenario_id: str,
        scenario_title: str,
        scenario_hash: str,
        rubric_version: str,
        persona_mode: str,
        seed: int,
        topics: list[str] | None = None,
    ) -> str: ...

    def add_turn(self, session_id: str, turn: Turn) -> str: ...

    def finish_session(self, session_id: str, status: str, ending: str | None, summary: dict[str, Any]) -> None: ...

    def reopen_session(self, session_id: str) -> None: ...


class EmptyReply(ValueError):
    """A reply with nothing in it; it is not sent."""


class ReplyNotSaved(RuntimeError):
    """The reply could not be stored (a full disk, a lock): nothing changed in the call, the reply is kept
    in a recovery file beside the database, and it can be sent again."""


RECOVERY_FILE = "unsaved-replies.jsonl"


class Busy(RuntimeError):
    """A turn is still running (the patient is answering); try again when it has finished."""


@dataclass
class TurnResult:
    turn: Turn
    patient: PatientLine  # the patient's answer (on the last turn, their closing line)
    finished: bool
    notices: list[str] = field(default_factory=list)


class CallSession:
    def __init__(
        self,
        loaded: LoadedScenario,
        store: CallStore,
        trainee_id: str,
        scorer: Scorer | None = None,
        persona: Persona | None = None,
        seed: int | None = None,
        today: dt.date | None = None,
        persona_factory: PersonaFactory = ScriptedPersona,
        listener: Listener | None = None,
    ):
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.store = store
        self.trainee_id = trainee_id
        self.scorer = scorer or Scorer()
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        rng = random.Random(self.seed)
        self.values = draw(self.scenario, rng, today or dt.date.today())
        # the factory gets this session's drawn values and rng, so any voice walks the same call
        self.persona: Persona = persona or persona_factory(self.scenario, self.values, rng)
        self.listeners: list[Listener] = [listener] if listener else []
        self._own_token_sink = getattr(self.persona, "on_token", None)
        self.persona.on_token = self._token
        self.state = CallState(**self.scenario.initial_state)
        self.turns: list[Turn] = []
        self.current: PatientLine | None = None
        self.id: str | None = None
        self.status = "new"  # then "active", and "completed" or "abandoned"
        self.ending: str | None = None
        self.attempts: list[Turn] = []  # every reply, retries included, in the order given
        # before the last reply (the persona's snapshot, the call state, the line answered), for a retry
        self._before_last: tuple[object, CallState, PatientLine] | None = None
        self._retry_of: Turn | None = None
        self._hints = 0
        self._turn = threading.Lock()  # held by a running turn (see Busy)
        self._state = threading.RLock()  # a hang-up and a turn change the call one at a time

    @property
    def persona_name(self) -> str:
        return fill(self.scenario.persona.name, self.values)

    @property
    def account(self) -> dict[str, str]:
        """The account facts for this attempt, with its drawn names, amounts and dates."""
        return {k: fill(str(v), self.values) for k, v in self.scenario.account.items()}

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "abandoned")

    @property
    def busy(self) -> bool:
        """A turn is running: the patient has not answered yet."""
        return self._turn.locked()

    @property
    def revealed_concerns(self) -> list[str]:
        return self.persona.revealed_concerns

    @property
    def mood(self) -> int:
        return self.persona.mood

    def gist_of(self, line: PatientLine) -> str:
        """What the line says for scoring and cues: a model-voiced line stands for its scripted text,
        so a call is scored and branches the same whichever voice speaks."""
        return self.persona.gist_of(line)

    def subscribe(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def _token(self, text: str) -> None:
        if self._own_token_sink is not None:
            self._own_token_sink(text)
        self._emit(Token(text))

    def _emit(self, event: CallEvent) -> None:
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:  # a listener's bug must not break the call or lose the reply
                log.exception("a call listener failed on %s", type(event).__name__)

    # -- the verbs ----------------------------------------------------------------------------
    def open(self) -> PatientLine:
        """Record the call and hear the patient's first line."""
        with self._running():
            with self._state:
                self.id = self.store.start_session(
                    self.trainee_id,
                    self.scenario.id,
                    self.scenario.title,
                    self.loaded.content_hash,
                    self.scorer.rubric_version,
                    self.persona.mode,
                    self.seed,
                    topics=list(self.scenario.crcr_topics),
                )
                self.status = "active"
            try:
                first = self.persona.open()
            except Exception:
                self.hang_up()  # never leave an 'active' call behind a patient who could not speak
                raise
            return self._hear(first, first=True)

    def submit(self, reply: str) -> TurnResult:
        """Score and store the reply, then hear the patient's answer (the slow part with a model voice)."""
        with self._running():
            turn, notices = self._answer(reply)
            line = self._hear(self.persona.respond(turn.reply, turn.score))
            return TurnResult(turn, line, self.finished, notices)

    def retry(self) -> PatientLine:
        """Answer the last patient line again. The first attempt stays in the history and the store."""
        with self._running(), self._state:
            before = self._before_last
            if before is None or not self.can_retry:
                raise RuntimeError("there is no reply to retry")
            persona_state, self.state, self.current = before
            self.persona.restore(persona_state)
            self._retry_of = self.turns.pop()
            self._before_last = None
            if self.status == "completed":
                self.status, self.ending = "active", None
                self.store.reopen_session(self._session_id())
            return self.current

    def hint(self) -> str:
        """The move the patient's line calls for and why (from the scorer's reading of the call); it costs
        HINT_COST points on the call's overall."""
        with self._running():
            if self.status != "active" or self.current is None:
                raise RuntimeError("there is no line to answer")
            self._hints += 1
            return str(next_move(self.context()))

    def hang_up(self) -> None:
        """The trainee ends the call early; allowed while a turn runs (its late answer is then dropped)."""
        with self._state:
            if self.status == "active":
                self._finish("abandoned", None)

    # -- the steps of a turn --------------------------------------------------------------------
    def _running(self) -> _Release:
        if not self._turn.acquire(blocking=False):
            raise Busy("The patient is still answering; wait for their line.")
        return _Release(self._turn)

    def context(self) -> ScoreContext:
        return ScoreContext(
            self.gist_of(self.current) if self.current else "",
            self.scenario.role,
            frozenset(self.scenario.rules),
            self.state,
            self.fact_sheet,
        )

    @cached_property
    def fact_sheet(self) -> FactSheet:
        """The scenario's declared facts, and every amount on the account, for this attempt's drawn values
        (drawn once, so worked out once)."""
        facts = self.scenario.facts
        values = [fill(str(v), self.values) for v in facts.amounts.values()] + list(self.account.values())
        amounts = frozenset(n for v in values for n in money_values(v))
        return FactSheet(amounts, facts.insurer_paid, facts.in_network, facts.emergency, facts.insured)

    def _answer(self, reply: str) -> tuple[Turn, list[str]]:
        """Score the reply and commit it, before the patient says anything more."""
        with self._state:
            if self.status != "active":
                raise RuntimeError(f"the call is {self.status}; start a new one")
            if not reply or not reply.strip():
                raise EmptyReply("Type or say a reply first: an empty reply is not sent.")
            reply, notice = cap_reply(reply)  # stored as scored
            notices = [notice] if notice else []
            asked = self.current
            if asked is None:  # an active call always has a line to answer once open() has heard it
                raise RuntimeError("there is no line to answer")
            score = self.scorer.score(reply, self.context())
            if self._hints:
                score.notices.append(f"Hint used: -{HINT_COST * self._hints} points on the call's overall.")
            retry_of, self._retry_of = self._retry_of, None
            index = retry_of.index if retry_of else len(self.turns)
            attempt = retry_of.attempt + 1 if retry_of else 1
            turn = Turn(index, asked, reply, score, attempt, hints=self._hints)
            try:
                turn.id = self.store.add_turn(self._session_id(), turn)
            except StoreError as e:
                self._retry_of = retry_of  # nothing changed: the same reply can be sent again
                kept = self._keep_unsaved(reply)
                raise ReplyNotSaved(
                    f"{e} Your reply was not lost: it is still in the box"
                    f"{f' and copied to {kept}' if kept else ''}; send it again."
                ) from e
            self._hints = 0
            self._before_last = (self.persona.snapshot(), self.state, asked)
            self.turns.append(turn)
            self.attempts.append(turn)
            self.state = self.state.updated(
                first_turn=False,
                mini_miranda_given=self.state.mini_miranda_given or "gave_mini_miranda" in score.moves,
                assistance_offered=self.state.assistance_offered or "offered_financial_assistance" in score.moves,
                interpreter_offered=self.state.interpreter_offered or "offered_interpreter" in score.moves,
            )
        self._emit(ReplyScored(turn, asked, notices))
        return turn, notices

    def _hear(self, line: PatientLine, first: bool = False) -> PatientLine:
        """The patient says this line: it becomes the line to answer, and may set call state or end the call.
        A line that arrives after the call ended (the trainee hung up meanwhile) is dropped."""
        with self._state:
            if self.status != "active":
                return line
            self.current = line
            changes = dict(line.sets)
            if "hardship" in patient_cues(self.gist_of(line)):
                changes["hardship_voiced"] = True
            self.state = self.state.updated(**changes)
            if line.ending:
                self._finish("completed", line.ending)
                self._emit(PatientSpoke(line, first))
                self._emit(CallEnded(self.status, self.ending))
                return line
        self._emit(PatientSpoke(line, first))
        return line

    def _keep_unsaved(self, reply: str) -> Path | None:
        """Append the reply to the recovery file beside the database (best effort: the disk may be full)."""
        path = Path(self.store.path).parent / RECOVERY_FILE
        record = {
            "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "session": self.id,
            "trainee": self.trainee_id,
            "scenario": self.scenario.id,
            "reply": reply,
        }
        try:
            with path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
        except OSError:
            return None
        return path

    def _session_id(self) -> str:
        """The stored session's id (set by open(): every verb that writes runs after it)."""
        if self.id is None:
            raise RuntimeError("the call has not been opened")
        return self.id

    @property
    def can_retry(self) -> bool:
        return self._before_last is not None and self.status in ("active", "completed")

    @property
    def passed(self) -> bool:
        """The call's verdict by the one rule (trainer.verdict), as every other view shows it."""
        summary = self.summary()
        scores = {**summary.dimensions, "overall": summary.overall}
        return passed(self.status, len(self.turns), scores, bool(summary.blockers))

    def summary(self) -> SessionScore:
        """The call's score, from the replies that shaped it (the last attempt at each line)."""
        result = combine([t.score for t in self.turns], self.scorer.rubric_version)
        hints = sum(t.hints for t in self.turns)
        result.overall = max(0, result.overall - HINT_COST * hints)
        return result

    def first_attempts_summary(self) -> SessionScore:
        """The call's score as it would stand on the first try at every line."""
        firsts: dict[int, Turn] = {}
        for t in self.attempts:
            firsts.setdefault(t.index, t)
        return combine([t.score for t in firsts.values()], self.scorer.rubric_version)

    def best_attempts_summary(self) -> SessionScore:
        """The call's score from the best try at every line."""
        best: dict[int, Turn] = {}
        for t in self.attempts:
            if t.index not in best or t.score.overall > best[t.index].score.overall:
                best[t.index] = t
        return combine([t.score for t in best.values()], self.scorer.rubric_version)

    def _finish(self, status: str, ending: str | None) -> None:
        self.status = status
        self.ending = ending
        self.store.finish_session(self._session_id(), status, ending, self.summary().as_dict())
        if status == "abandoned":
            self._emit(CallEnded(status, ending))


class _Release:
    """Releases the turn lock when the verb returns or fails."""

    def __init__(self, lock: threading.Lock):
        self.lock = lock

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        self.lock.release()
