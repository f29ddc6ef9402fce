import datetime as dt

from trainer.coach import fits, practise_next
from trainer.progress import Progress, SessionPoint, load_progress, scenario_stats
from trainer.session import CallSession
from trainer.store.queries import ended_calls, scenario_attempts

TODAY = dt.date(2026, 11, 22)


def play(library, store, trainee, scenario_id, replies):
    session = CallSession(library.get(scenario_id), store, trainee, seed=1)
    session.open()
    for reply in replies:
        if session.finished:
            break
        session.submit(reply)
    session.hang_up()
    return session


def test_no_history_picks_a_gentle_untried_call(library):
    pick = practise_next(library, {}, Progress(), TODAY)
    assert pick and library.get(pick.scenario_id).scenario.difficulty <= 2
    assert "not tried" in pick.reason


def test_the_pick_follows_the_weakest_dimension(library):
    weak_compliance = Progress(
        points=[SessionPoint(TODAY, "x", {"empathy": 90, "clarity": 85, "compliance": 20, "overall": 65})] * 3
    )
    pick = practise_next(library, {}, weak_compliance, TODAY)
    assert fits(library.get(pick.scenario_id).scenario, "compliance")
    assert "compliance" in pick.reason


def test_stats_progress_and_streak_come_from_the_store(library, store):
    trainee = store.sign_in("Ana")
    play(library, store, trainee, "surprise-deductible", ["Hi, can I have your date of birth?"])
    play(library, store, trainee, "surprise-deductible", ["Hi, can I have your date of birth?", "Thanks."])
    play(library, store, trainee, "collector-dispute", [])  # hung up at once: no attempt
    stats = scenario_stats(scenario_attempts(store, trainee))
    assert stats["surprise-deductible"].attempts == 2 and "collector-dispute" not in stats
    progress = load_progress(ended_calls(store, trainee), library)
    assert progress.sessions == 2 and progress.replies == 3 and progress.streak_days == 1
    assert "insurance-and-benefits" in progress.by_topic
    pick = practise_next(library, stats, progress)
    assert pick.scenario_id != "surprise-deductible"


def test_an_empty_record_is_fine(library, store):
    trainee = store.sign_in("New")
    progress = load_progress(ended_calls(store, trainee), library)
    assert progress.points == [] and progress.streak_days == 0 and progress.mean("overall") is None
