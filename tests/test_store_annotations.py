"""Supervisor comments and overrides, kept beside the automatic score."""
import pytest

from classroom import play
from trainer.store.queries import trainee_history


def test_comments_and_overrides_sit_beside_the_automatic_score(store, library):
    sid = play(store, library, "Dana")
    turn = store.turns(sid)[0]
    before = (store.session(sid)["empathy"], turn.empathy)
    a = store.add_annotation(sid, "Ms Ortiz", "comment", "Good opening; verify before the amount.")
    b = store.add_annotation(sid, "Ms Ortiz", "override", "The patient was calmer than the scorer thought.",
                             dimension="empathy", value=85)
    c = store.add_annotation(sid, "Mr Hale", "override", "Too generous", turn_id=turn.id, dimension="clarity",
                             value=40)
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


@pytest.mark.parametrize("kwargs, message", [
    ({"kind": "grade", "text": "x"}, "kind must be"),
    ({"kind": "override", "text": "x"}, "needs a dimension and a value"),
    ({"kind": "override", "text": "x", "dimension": "empathy", "value": 101}, "0 to 100"),
    ({"kind": "override", "text": "x", "dimension": "kindness", "value": 50}, "dimension must be"),
    ({"kind": "comment", "text": "  "}, "needs some text"),
    ({"kind": "comment", "text": "x", "turn_id": "not-a-turn"}, "is not a turn of session"),
])
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
