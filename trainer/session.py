"""CallSession: the one orchestrator of a call. Personas, scorer and store never call each other."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .domain import MAX_REPLY_CHARS, CallState, PatientLine, Turn
from .personas.base import Persona
from .personas.scripted import ScriptedPersona
from .scenarios.loader import LoadedScenario
from .scenarios.variables import draw, fill
from .scoring import ScoreContext, Scorer
from .scoring.moves import patient_cues
from .scoring.session_score import SessionScore, combine
from .store.store import Store


class EmptyReply(ValueError):
    """A reply with nothing in it; it is not sent."""


@dataclass
class TurnResult:
    turn: Turn
    patient: PatientLine  # the patient's answer (on the last turn, their closing line)
    finished: bool
    notices: list[str] = field(default_factory=list)


class CallSession:
    def __init__(self, loaded: LoadedScenario, store: Store, trainee_id: str, scorer: Scorer | None = None,
                 persona: Persona | None = None, seed: int | None = None, today: dt.date | None = None):
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.store = store
        self.trainee_id = trainee_id
        self.scorer = scorer or Scorer()
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        rng = random.Random(self.seed)
        self.values = draw(self.scenario, rng, today or dt.date.today())
        self.persona = persona or ScriptedPersona(self.scenario, self.values, rng)
        self.state = CallState(**self.scenario.initial_state)
        self.turns: list[Turn] = []
        self.current: PatientLine | None = None
        self.id: str | None = None
        self.status = "new"  # then "active", and "completed" or "abandoned"
        self.ending: str | None = None

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

    def start(self) -> PatientLine:
        self.id = self.store.start_session(
            self.trainee_id, self.scenario.id, self.scenario.title, self.loaded.content_hash,
            self.scorer.rubric_version, self.persona.mode, self.seed)
        self.status = "active"
        return self._hear(self.persona.open())

    def context(self) -> ScoreContext:
        return ScoreContext(self.current.text if self.current else "", self.scenario.role,
                            frozenset(self.scenario.rules), self.state)

    def submit(self, reply: str) -> TurnResult:
        if self.status != "active":
            raise RuntimeError(f"the call is {self.status}; start a new one")
        if not reply or not reply.strip():
            raise EmptyReply("Type or say a reply first: an empty reply is not sent.")
        notices = []
        if len(reply) > MAX_REPLY_CHARS:
            notices.append(f"Your reply was {len(reply):,} characters; only the first {MAX_REPLY_CHARS:,} were kept.")
            reply = reply[:MAX_REPLY_CHARS]
        score = self.scorer.score(reply, self.context())
        turn = Turn(len(self.turns), self.current, reply, score)
        turn.id = self.store.add_turn(self.id, turn)  # committed before the patient says anything more
        self.turns.append(turn)
        self.state = self.state.updated(
            first_turn=False,
            mini_miranda_given=self.state.mini_miranda_given or "gave_mini_miranda" in score.moves,
            assistance_offered=self.state.assistance_offered or "offered_financial_assistance" in score.moves,
            interpreter_offered=self.state.interpreter_offered or "offered_interpreter" in score.moves)
        line = self._hear(self.persona.respond(reply, score))
        return TurnResult(turn, line, self.finished, notices)

    def hang_up(self) -> None:
        """The trainee ends the call early."""
        if self.status == "active":
            self._finish("abandoned", None)

    def summary(self) -> SessionScore:
        return combine([t.score for t in self.turns], self.scorer.rubric_version)

    def _hear(self, line: PatientLine) -> PatientLine:
        self.current = line
        changes = dict(line.sets)
        if "hardship" in patient_cues(line.text):
            changes["hardship_voiced"] = True
        self.state = self.state.updated(**changes)
        if line.ending:
            self._finish("completed", line.ending)
        return line

    def _finish(self, status: str, ending: str | None) -> None:
        self.status = status
        self.ending = ending
        self.store.finish_session(self.id, status, ending, self.summary().as_dict())
