"""CallSession: the one orchestrator of a call. Personas, scorer and store never call each other."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import cached_property

from .domain import CallState, PatientLine, Turn, cap_reply
from .personas.base import Persona
from .personas.scripted import ScriptedPersona
from .scenarios.loader import LoadedScenario
from .scenarios.variables import draw, fill
from .scoring import ScoreContext, Scorer
from .scoring.context import FactSheet
from .scoring.fact_check import money_values
from .scoring.moves import patient_cues
from .scoring.session_score import SessionScore, combine
from .store.store import Store


HINT_COST = 5  # points off the call's overall for each hint taken


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
                 persona: Persona | None = None, seed: int | None = None, today: dt.date | None = None,
                 persona_factory=ScriptedPersona):
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.store = store
        self.trainee_id = trainee_id
        self.scorer = scorer or Scorer()
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        rng = random.Random(self.seed)
        self.values = draw(self.scenario, rng, today or dt.date.today())
        # the factory gets this session's drawn values and rng, so any voice walks the same call
        self.persona = persona or persona_factory(self.scenario, self.values, rng)
        self.state = CallState(**self.scenario.initial_state)
        self.turns: list[Turn] = []
        self.current: PatientLine | None = None
        self.id: str | None = None
        self.status = "new"  # then "active", and "completed" or "abandoned"
        self.ending: str | None = None
        self.attempts: list[Turn] = []  # every reply, retries included, in the order given
        self._before_last: tuple | None = None  # state before the last reply, for a retry
        self._retry_of: Turn | None = None
        self._hints = 0

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
        self.begin()
        return self.hear(self.persona.open())

    def begin(self) -> None:
        """Record the call; the caller then passes persona.open() to hear() (off the GUI thread if slow)."""
        self.id = self.store.start_session(
            self.trainee_id, self.scenario.id, self.scenario.title, self.loaded.content_hash,
            self.scorer.rubric_version, self.persona.mode, self.seed, topics=list(self.scenario.crcr_topics))
        self.status = "active"

    def context(self) -> ScoreContext:
        return ScoreContext(self._gist(self.current) if self.current else "", self.scenario.role,
                            frozenset(self.scenario.rules), self.state, self.fact_sheet)

    @cached_property
    def fact_sheet(self) -> FactSheet:
        """The scenario's declared facts, and every amount on the account, for this attempt's drawn values
        (drawn once, so worked out once)."""
        facts = self.scenario.facts
        values = [fill(str(v), self.values) for v in facts.amounts.values()] + list(self.account.values())
        amounts = frozenset(n for v in values for n in money_values(v))
        return FactSheet(amounts, facts.insurer_paid, facts.in_network, facts.emergency, facts.insured)

    def _gist(self, line: PatientLine) -> str:
        """What the line says for scoring and cues: a model-voiced line stands for its scripted text,
        so a call is scored and branches the same whichever voice speaks."""
        gist_of = getattr(self.persona, "gist_of", None)
        return gist_of(line) if gist_of else line.text

    def submit(self, reply: str) -> TurnResult:
        """Score and store the reply, then hear the patient's answer."""
        turn, notices = self.answer(reply)
        line = self.hear(self.persona.respond(turn.reply, turn.score))
        return TurnResult(turn, line, self.finished, notices)

    def answer(self, reply: str) -> tuple[Turn, list[str]]:
        """Score the reply and commit it; the caller then passes persona.respond(...) to hear().

        Split from submit() so a window can let a slow (model-voiced) patient answer off
        the GUI thread; the reply is stored before the patient says anything more.
        """
        if self.status != "active":
            raise RuntimeError(f"the call is {self.status}; start a new one")
        if not reply or not reply.strip():
            raise EmptyReply("Type or say a reply first: an empty reply is not sent.")
        reply, notice = cap_reply(reply)  # stored as scored
        notices = [notice] if notice else []
        score = self.scorer.score(reply, self.context())
        if self._hints:
            score.notices.append(f"Hint used: -{HINT_COST * self._hints} points on the call's overall.")
        retry_of, self._retry_of = self._retry_of, None
        index = retry_of.index if retry_of else len(self.turns)
        attempt = retry_of.attempt + 1 if retry_of else 1
        turn = Turn(index, self.current, reply, score, attempt, hints=self._hints)
        self._hints = 0
        turn.id = self.store.add_turn(self.id, turn)  # committed before the patient says anything more
        self._before_last = (self.persona.snapshot(), self.state, self.current)
        self.turns.append(turn)
        self.attempts.append(turn)
        self.state = self.state.updated(
            first_turn=False,
            mini_miranda_given=self.state.mini_miranda_given or "gave_mini_miranda" in score.moves,
            assistance_offered=self.state.assistance_offered or "offered_financial_assistance" in score.moves,
            interpreter_offered=self.state.interpreter_offered or "offered_interpreter" in score.moves)
        return turn, notices

    @property
    def can_retry(self) -> bool:
        return self._before_last is not None and self.status in ("active", "completed")

    def retry_last(self) -> PatientLine:
        """Answer the last patient line again. The first attempt stays in the history and the store."""
        if not self.can_retry:
            raise RuntimeError("there is no reply to retry")
        persona_state, self.state, self.current = self._before_last
        self.persona.restore(persona_state)
        self._retry_of = self.turns.pop()
        self._before_last = None
        if self.status == "completed":
            self.status, self.ending = "active", None
            self.store.reopen_session(self.id)
        return self.current

    def hint(self) -> str:
        """A nudge toward a strong reply to the current line; it costs HINT_COST points."""
        if self.status != "active" or self.current is None:
            raise RuntimeError("there is no line to answer")
        self._hints += 1
        answer = self.current.model_answer
        first = answer.split(". ")[0].rstrip(".") + "." if answer else "Acknowledge the feeling, then explain one thing."
        return f"Try starting like this: \"{first}\""

    def hang_up(self) -> None:
        """The trainee ends the call early."""
        if self.status == "active":
            self._finish("abandoned", None)

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

    def hear(self, line: PatientLine) -> PatientLine:
        """The patient says this line: it becomes the line to answer, and may set call state or end the call."""
        self.current = line
        changes = dict(line.sets)
        if "hardship" in patient_cues(self._gist(line)):
            changes["hardship_voiced"] = True
        self.state = self.state.updated(**changes)
        if line.ending:
            self._finish("completed", line.ending)
        return line

    def _finish(self, status: str, ending: str | None) -> None:
        self.status = status
        self.ending = ending
        self.store.finish_session(self.id, status, ending, self.summary().as_dict())
