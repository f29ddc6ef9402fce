import pytest

from trainer.personas.scripted import ScriptedPersona
from trainer.scoring.session_score import combine
from trainer.session import HINT_COST, CallSession, EmptyReply
from trainer.store.store import Store

GOOD = [
    "Hi, I'm Sam in patient billing. I'm sorry this bill was a surprise, that sounds stressful. "
    "Before we look at it, can I have your full name and date of birth?",
    "Thank you. Your insurance paid its part. The rest went to your deductible, which is the amount you pay "
    "each year before insurance starts to pay. Does that make sense?",
    "Thank you for telling me, that's a lot to carry. We have a financial assistance program based on income, "
    "and we can also set up a payment plan. I'll email the application today.",
    "Yes, we can set a small monthly payment of $40 while the application is reviewed.",
]


class SpyPersona(ScriptedPersona):
    """Records how many turns the database held each time the patient was asked to respond."""

    def __init__(self, *a, store=None, **kw):
        super().__init__(*a, **kw)
        self.store = store
        self.seen_turns = []
        self.session_id = None

    def respond(self, reply, score):
        self.seen_turns.append(
            self.store.db.execute("SELECT COUNT(*) FROM turns WHERE session_id = ?", [self.session_id]).fetchone()[0]
        )
        return super().respond(reply, score)


def test_a_good_call_reaches_a_good_ending_and_every_turn_is_committed_first(library, store):
    import random

    loaded = library.get("surprise-deductible")
    session = CallSession(loaded, store, store.sign_in("Test"), seed=3)
    spy = SpyPersona(loaded.scenario, session.values, random.Random(3), store=store)
    session.persona = spy
    first = session.open()
    spy.session_id = session.id
    assert "$" in first.text
    for reply in GOOD:
        if session.finished:
            break
        session.submit(reply)
    assert session.finished and session.ending in ("payment_plan", "resolved")
    assert spy.seen_turns == list(range(1, len(session.turns) + 1))
    row = store.session(session.id)
    assert row["status"] == "completed" and row["ending"] == session.ending
    assert row["overall"] == session.summary().overall
    stored = store.turns(session.id)
    assert [t.reply for t in stored] == [t.reply for t in session.turns]
    assert all(t.rubric_version and t.score == s.score for t, s in zip(stored, session.turns))  # read back whole


def test_a_breach_fails_the_call(library, store):
    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("T"), seed=1)
    session.open()
    session.submit("Your balance was applied to the deductible and you owe $1,000. Pay it today.")
    summary = session.summary()
    assert summary.blockers and summary.overall == 0 and not session.passed


def test_empty_reply_is_not_sent(library, store):
    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("T"), seed=1)
    session.open()
    with pytest.raises(EmptyReply):
        session.submit("   \n\t ")
    assert session.turns == [] and store.turns(session.id) == []


def test_a_huge_reply_is_capped_with_a_notice(library, store):
    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("T"), seed=1)
    session.open()
    result = session.submit("I understand. " * 10_000)
    assert len(result.turn.reply) == 4000
    assert any("140,000" in n for n in result.notices)


def test_hang_up_marks_the_session_abandoned(library, store):
    session = CallSession(library.get("collector-dispute"), store, store.sign_in("T"), seed=1)
    session.open()
    session.hang_up()
    assert store.session(session.id)["status"] == "abandoned"


def test_the_same_seed_gives_the_same_call_and_other_seeds_vary(library, store):
    loaded = library.get("surprise-deductible")
    a = CallSession(loaded, store, "t", seed=5).values
    assert a == CallSession(loaded, store, "t", seed=5).values
    assert len({CallSession(loaded, store, "t", seed=s).values["balance"] for s in range(20)}) > 5


def test_calls_left_open_by_a_run_that_died_are_marked_interrupted(library, tmp_path):
    store = Store(tmp_path / "t.db")
    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("T"), seed=1)
    session.open()
    store.db.close()  # the process dies: no end_run
    again = Store(tmp_path / "t.db")
    again.begin_run()
    assert again.interrupted_at_start == 1
    assert again.session(session.id)["status"] == "interrupted"


def test_retry_keeps_both_attempts_and_replays_the_same_line(library, store):
    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("T"), seed=2)
    first_line = session.open()
    bad = session.submit("Your balance is what it is. Pay it.")
    assert bad.turn.attempt == 1
    again = session.retry()
    assert again == first_line and session.turns == []
    good = session.submit("I'm sorry this was a surprise. Before we look at it, can I have your date of birth?")
    assert good.turn.index == 0 and good.turn.attempt == 2
    assert [t.reply for t in session.attempts] == [bad.turn.reply, good.turn.reply]
    rows = store.turns(session.id)
    assert [(r.idx, r.attempt) for r in rows] == [(0, 1), (0, 2)]
    assert session.summary().overall >= session.first_attempts_summary().overall
    assert not session.can_retry or session.turns  # one retry per answer


def test_retrying_the_reply_that_ended_the_call_reopens_it(library, store):
    session = CallSession(library.get("collector-dispute"), store, store.sign_in("T"), seed=2)
    session.open()
    result = session.submit("Pay now or we'll sue you.")
    while not result.finished:
        result = session.submit("Pay now or we'll sue you.")
    assert store.session(session.id)["status"] == "completed"
    session.retry()
    assert session.status == "active" and store.session(session.id)["status"] == "active"


@pytest.mark.parametrize(
    "scenario_id, expected",
    [
        ("collector-dispute", "attempt to collect a debt"),  # a collector's first duty
        ("job-loss-financial-assistance", "financial assistance"),
        ("limited-english-interpreter", "interpreter"),
    ],
)
def test_the_hint_names_the_move_the_call_needs_now(library, store, scenario_id, expected):
    session = CallSession(library.get(scenario_id), store, store.sign_in("T"), seed=1)
    session.open()
    if expected != "attempt to collect a debt":
        session.state = session.state.updated(identity_verified=True, first_turn=False)
        session.state = session.state.updated(hardship_voiced=expected == "financial assistance")
    assert expected in session.hint()


def test_a_hint_costs_points_and_says_so(library, store):
    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("T"), seed=2)
    session.open()
    hint = session.hint()
    assert "feeling" in hint and "Why:" in hint  # the patient is upset about a surprise bill: the feeling first
    assert "Thank you" not in hint and not hint.startswith("Try starting like this")  # a move, not a greeting
    result = session.submit("I'm sorry this was a surprise. Can I have your date of birth first?")
    assert result.turn.hints == 1 and any("Hint used" in n for n in result.turn.score.notices)
    plain = combine([result.turn.score], "r").overall
    assert session.summary().overall == max(0, plain - HINT_COST)


def test_the_debrief_tells_a_hidden_concern_as_the_scenarios_never_as_the_patients_words(library, store):
    from trainer.console import format_debrief

    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("T"), seed=1)
    session.open()
    session.hang_up()
    text = format_debrief(session)
    assert "Behind this call (0 of 1 opened up by your replies)" in text and "not drawn out: Her hours" in text
    assert "drawn out: 1" not in text
