"""A turn has one owner: a late patient line after a hang-up, or a retry while the patient is still
answering, can never change a call (both raced before turns ran through CallSession alone)."""

import random
import threading

import pytest

from trainer.call_events import CallEnded, PatientSpoke, ReplyScored
from trainer.personas.scripted import ScriptedPersona
from trainer.session import Busy, CallSession
from trainer.store.worker import StoreThread
from trainer.store.store import Store

REPLY = "Hi, I'm Sam in billing. I'm sorry about the surprise. Can I have your full name and date of birth?"


class SlowPersona(ScriptedPersona):
    """A scripted patient whose answers wait for the test to let them through (like a model streaming)."""

    mode = "llm"

    def __init__(self, scenario, values, rng: random.Random):
        super().__init__(scenario, values, rng)
        self.speaking = threading.Event()
        self.go_on = threading.Event()

    def respond(self, reply, score):
        self.speaking.set()
        assert self.go_on.wait(10)
        return super().respond(reply, score)


@pytest.fixture
def data(tmp_path):
    thread = StoreThread(lambda: Store(tmp_path / "t.db"))
    yield thread
    thread.close()


def in_background(fn):
    out = {}

    def run():
        try:
            out["result"] = fn()
        except Exception as e:  # noqa: BLE001 - the test inspects it
            out["error"] = e

    t = threading.Thread(target=run)
    t.start()
    return t, out


def test_a_line_that_arrives_after_the_hang_up_leaves_the_call_abandoned(library, data):
    events = []
    session = CallSession(
        library.get("surprise-deductible"),
        data.proxy(),
        data.proxy().sign_in("T"),
        seed=1,
        persona_factory=SlowPersona,
        listener=events.append,
    )
    session.open()
    turn, out = in_background(lambda: session.submit(REPLY))
    assert session.persona.speaking.wait(10)
    session.hang_up()  # the trainee signs out while the model is still speaking
    session.persona.go_on.set()
    turn.join(10)
    assert "error" not in out
    stored = data.call(lambda store: store.session(session.id))
    assert stored["status"] == "abandoned" and session.status == "abandoned"
    assert data.call(lambda store: len(store.turns(session.id))) == 1  # the reply itself was kept
    kinds = [type(e) for e in events]
    assert kinds.count(PatientSpoke) == 1  # the opening line only: the late line was dropped
    assert kinds.count(CallEnded) == 1 and events[-1] == CallEnded("abandoned", None)


def test_retry_submit_and_hint_are_refused_while_the_patient_is_answering(library, data):
    session = CallSession(
        library.get("surprise-deductible"), data.proxy(), data.proxy().sign_in("T"), seed=1, persona_factory=SlowPersona
    )
    session.open()
    session.persona.go_on.set()
    session.submit(REPLY)  # one answered turn, so there is something to retry
    session.persona.go_on.clear()
    session.persona.speaking.clear()
    before = session.persona.snapshot()
    turn, out = in_background(lambda: session.submit("Thank you. Your insurance paid its part."))
    assert session.persona.speaking.wait(10)
    assert session.busy
    with pytest.raises(Busy):
        session.retry()
    with pytest.raises(Busy):
        session.submit("a second reply at the same time")
    with pytest.raises(Busy):
        session.hint()
    session.persona.go_on.set()
    turn.join(10)
    assert "error" not in out and not session.busy
    assert session.persona.snapshot() != before  # the turn moved the patient on; nothing was rolled back under it
    assert len(session.turns) == 2 and session.retry()  # once it finished, a retry works


def test_events_tell_the_terminal_and_the_window_the_same_story(library, store):
    events = []
    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("T"), seed=1, listener=events.append)
    first = session.open()
    result = session.submit(REPLY)
    assert events[0] == PatientSpoke(first, first=True)
    assert isinstance(events[1], ReplyScored) and events[1].turn is result.turn and events[1].asked == first
    assert events[2] == PatientSpoke(result.patient, first=False)
    session.hang_up()
    assert events[-1] == CallEnded("abandoned", None)


class BrokenPersona(ScriptedPersona):
    def open(self):
        raise ValueError("the first line names a variable this call does not have")


def test_a_call_whose_patient_cannot_speak_is_not_left_active(library, store):
    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("T"), seed=1, persona_factory=BrokenPersona)
    with pytest.raises(ValueError):
        session.open()
    assert store.session(session.id)["status"] == "abandoned" and not session.busy
