"""The supervisor's queries: the trainee table, a trainee's history, the class summary."""

import pytest

from classroom import play
from trainer.store.queries import class_summary, trainee_count, trainee_history, trainee_table


@pytest.fixture
def classroom(store, library):
    play(store, library, "Dana Lee", seed=1)
    play(store, library, "Dana Lee", "collector-dispute", seed=2, breach=True)
    play(store, library, "Ali Khan", "surprise-deductible", seed=3)
    play(store, library, "Ali Khan", "surprise-deductible", seed=4, replies=2, finish=False)  # still active
    store.sign_in("Zoe Park", badge="B-0042")  # signed in, never played
    return store


def test_the_table_has_one_row_per_trainee_with_means_and_blocked_calls(classroom):
    rows = {r["name"]: r for r in trainee_table(classroom)}
    assert list(rows) == ["Ali Khan", "Dana Lee", "Zoe Park"]  # by name
    dana, ali, zoe = rows["Dana Lee"], rows["Ali Khan"], rows["Zoe Park"]
    assert dana["sessions"] == 2 and dana["blocked"] == 1
    history = trainee_history(classroom, dana["id"])
    assert dana["overall"] == pytest.approx(sum(h["overall"] for h in history) / 2, abs=0.05)
    assert ali["sessions"] == 2 and ali["blocked"] == 0  # the active call counts, but has no score yet
    assert ali["overall"] == trainee_history(classroom, ali["id"])[0]["overall"]
    assert zoe["sessions"] == 0 and zoe["overall"] is None and zoe["last_active"] is None and zoe["badge"] == "B-0042"
    assert set(dana) == {
        "id",
        "name",
        "badge",
        "sessions",
        "last_active",
        "empathy",
        "clarity",
        "compliance",
        "overall",
        "blocked",
    }


def test_the_table_sorts_searches_and_pages(classroom):
    by_overall = [r["name"] for r in trainee_table(classroom, sort="overall", descending=True)]
    assert by_overall[-1] == "Zoe Park"  # no score: last either way
    assert [r["name"] for r in trainee_table(classroom, sort="overall")][-1] == "Zoe Park"
    assert [r["name"] for r in trainee_table(classroom, sort="sessions", descending=True)][:2] == ["Ali Khan", "Dana Lee"]
    assert [r["name"] for r in trainee_table(classroom, search="dana")] == ["Dana Lee"]
    assert [r["name"] for r in trainee_table(classroom, search="0042")] == ["Zoe Park"]  # by badge
    assert trainee_table(classroom, search="%") == []  # wildcards are taken literally
    assert [r["name"] for r in trainee_table(classroom, limit=1, offset=1)] == ["Dana Lee"]
    assert trainee_count(classroom) == 3 and trainee_count(classroom, "an") == 2
    with pytest.raises(ValueError, match="sort must be one of"):
        trainee_table(classroom, sort="name; DROP TABLE trainees")


def test_a_trainees_history_is_in_order_with_blockers_and_topics(classroom, library):
    dana = classroom.sign_in("Dana Lee")
    first, second = trainee_history(classroom, dana)
    assert first["started_at"] <= second["started_at"]
    assert first["scenario_id"] == "surprise-deductible" and first["topics"] == list(
        library.get("surprise-deductible").scenario.crcr_topics
    )
    assert second["blocked"] is True and second["blockers"] and not second["passed"]
    assert first["turns"] == len(classroom.turns(first["id"]))
    assert trainee_history(classroom, "nobody") == []


def test_the_class_summary_averages_dimensions_and_topics_and_counts_blockers(classroom, library):
    summary = class_summary(classroom)
    assert summary["trainees"] == 3 and summary["sessions"] == 4 and summary["scored"] == 3
    assert summary["blocked_sessions"] == 1
    finished = [
        h for t in ("Dana Lee", "Ali Khan") for h in trainee_history(classroom, classroom.sign_in(t)) if h["overall"] is not None
    ]
    assert summary["dimensions"]["overall"] == pytest.approx(sum(h["overall"] for h in finished) / 3, abs=0.05)
    topics = {t["topic"]: t for t in summary["topics"]}
    assert set(topics) == set(library.get("surprise-deductible").scenario.crcr_topics) | set(
        library.get("collector-dispute").scenario.crcr_topics
    )
    assert topics["patient-financial-communications"]["sessions"] == 4  # every scenario has it
    assert topics["collections-and-compliance"]["sessions"] == 1
    [rule] = [b for b in summary["blockers"] if b["rule_id"] == "fdcpa-third-party"]  # the debt named to whoever answered
    assert rule["turns"] >= 1 and rule["sessions"] == 1
    overall = [t["overall"] for t in summary["topics"] if t["overall"] is not None]
    assert overall == sorted(overall)  # weakest first


def test_sessions_stored_without_topics_take_them_from_the_mapping(store, library):
    play(store, library, "Dana")
    store.db.execute("UPDATE sessions SET topics = NULL")
    store.db.conn.commit()
    assert class_summary(store)["topics"] == []
    summary = class_summary(store, {"surprise-deductible": ["payment-options"]})
    assert [t["topic"] for t in summary["topics"]] == ["payment-options"]


def test_an_empty_database_has_an_empty_summary(store):
    summary = class_summary(store)
    assert summary["sessions"] == 0 and summary["dimensions"]["overall"] is None and summary["blockers"] == []
    assert trainee_table(store) == []
