"""Supervisor comments and overrides, kept beside the automatic score."""

import pytest

from classroom import play
from trainer.store.queries import trainee_history


def test_comments_and_overrides_sit_beside_the_automatic_score(store, library):
    sid = play(store, library, "Dana")
    turn = store.turns(sid)[0]
    before = (store.session(sid)["empathy"], turn.empathy)
    a = store.add_annotation(sid, "Ms Ortiz", "comment", "Good opening; verify before the amount.")
    b = store.add_annotation(
        sid, "Ms Ortiz", "override", "The patient was calmer than the scorer thought.", dimension="empathy", value=85
    )
    c = store.add_annotation(sid, "Mr Hale", "override", "Too generous", turn_id=turn.id, dimension="clarity", value=40)
    assert len({a, b, c}) == 3 and all(len(x) == 36 for x in (a, b, c))
    notes = store.annotations(sid)
    assert [n["id"] for n in notes] == [a, b, c]
    assert notes[0]["turn_id"] is None and notes[0]["kind"] == "comment" and notes[0]["value"] is None
    assert notes[1]["dimension"] == "empathy" and notes[1]["value"] == 85
    assert notes[2]["turn_id"] == turn.id and notes[2]["author"] == "Mr Hale"
    assert notes[0]["kiosk_id"] == store.kiosk_id
    # the automatic scores are untouched
    assert (store.session(sid)["empathy"], store.turns(sid)[0].empathy) == before
    # the history shows the latest session-level override beside the score
    [row] = trainee_history(store, store.sign_in("Dana"))
    assert row["empathy"] == before[0] and row["overrides"] == {"empathy": 85} and row["comments"] == 1


def test_the_latest_override_of_a_dimension_wins(store, library):
    sid = play(store, library, "Dana")
    store.add_annotation(sid, "A", "override", "first", dimension="overall", value=50)
    store.add_annotation(sid, "B", "override", "second thoughts", dimension="overall", value=65)
    assert trainee_history(store, store.sign_in("Dana"))[0]["overrides"] == {"overall": 65}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "grade", "text": "x"}, "kind must be"),
        ({"kind": "override", "text": "x"}, "needs a dimension and a value"),
        ({"kind": "override", "text": "x", "dimension": "empathy", "value": 101}, "0 to 100"),
        ({"kind": "override", "text": "x", "dimension": "kindness", "value": 50}, "dimension must be"),
        ({"kind": "comment", "text": "  "}, "needs some text"),
        ({"kind": "comment", "text": "x", "turn_id": "not-a-turn"}, "is not a turn of session"),
    ],
)
def test_bad_annotations_are_refused_with_a_reason(store, library, kwargs, message):
    sid = play(store, library, "Dana", replies=1)
    with pytest.raises(ValueError, match=message):
        store.add_annotation(sid, "Ms Ortiz", **kwargs)
    assert store.annotations(sid) == []


def test_an_annotation_needs_a_real_session_and_author(store):
    with pytest.raises(ValueError, match="no session"):
        store.add_annotation("nope", "Ms Ortiz", "comment", "x")
    with pytest.raises(ValueError, match="author"):
        store.add_annotation("nope", " ", "comment", "x")


def test_a_supervisor_lifts_one_blocker_with_a_reason_and_every_export_shows_both_verdicts(library, store, tmp_path):
    import csv

    from classroom import play
    from trainer.store.queries import trainee_history
    from trainer.store.reports import write_csv
    from trainer.store.xapi import session_statements

    sid = play(store, library, "Eli Cruz", "collector-dispute", seed=2, breach=True)
    session = store.session(sid)
    assert session["blocked"] and not session["passed"] and not session["auto_passed"]
    rules = [r for (r,) in store.db.execute("SELECT DISTINCT rule_id FROM score_blockers WHERE session_id = ?", [sid])]
    with pytest.raises(ValueError, match="reason"):
        store.add_annotation(sid, "Ms Ortiz", "blocker", "", rule_id=rules[0])
    with pytest.raises(ValueError, match="no blocker"):
        store.add_annotation(sid, "Ms Ortiz", "blocker", "not in this call", rule_id="made-up-rule")
    for rule in rules:
        store.add_annotation(sid, "Ms Ortiz", "blocker", "The patient had asked for this in writing; no breach.", rule_id=rule)
    session = store.session(sid)
    assert session["auto_passed"] == 0 and session["overall"] == 0 and session["blocked"] == 1  # automatic kept
    [row] = [h for h in trainee_history(store, store.sign_in("Eli Cruz")) if h["id"] == sid]
    assert row["lifted"] == rules and row["auto_passed"] is False
    paths = write_csv(store, tmp_path)
    sessions_csv = next(p for p in paths if p.name.startswith("sessions"))
    [exported] = [r for r in csv.DictReader(sessions_csv.open(encoding="utf-8-sig")) if r["session_id"] == sid]
    assert exported["passed"] == str(session["passed"]) and exported["auto_passed"] == "0"
    assert exported["lifted_blockers"] == ";".join(rules)
    done, outcome = session_statements(store, sid)[:2]
    ext = "https://billing-trainer.invalid/xapi/extensions"
    assert outcome["result"]["success"] == done["result"]["success"] == bool(session["passed"])
    assert done["result"]["extensions"][f"{ext}/automatic-success"] is False
    assert done["result"]["extensions"][f"{ext}/lifted-blockers"] == rules


def test_a_compliance_override_to_zero_fails_a_call_that_passed(library, store):
    from classroom import play

    sid = play(store, library, "Dana Lee", seed=1)
    assert store.session(sid)["passed"] == 1
    store.add_annotation(sid, "Ms Ortiz", "override", "Disclosed the balance before verifying.", dimension="compliance", value=0)
    assert store.session(sid)["passed"] == 0 and store.session(sid)["auto_passed"] == 1
