"""CSV reports (one row per session, per turn, per annotation) and the class summary as text."""

import csv

from classroom import play
from trainer.store.queries import class_summary
from trainer.store.reports import (
    ANNOTATION_COLUMNS,
    SESSION_COLUMNS,
    TURN_COLUMNS,
    format_class_summary,
    write_csv,
    write_csv_reports,
)


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_csv_files_have_the_documented_columns_and_one_row_per_session_and_turn(store, library, tmp_path):
    good = play(store, library, "Dana Lee", seed=1)
    bad = play(store, library, "Eli Cruz", "collector-dispute", seed=2, breach=True)
    play(store, library, "Eli Cruz", seed=3, replies=1, finish=False)
    store.add_annotation(good, "Ms Ortiz", "override", "Kind and clear", dimension="overall", value=88)
    turn = store.turns(bad)[0].id
    store.add_annotation(bad, "Ms Ortiz", "comment", '=HYPERLINK("http://x")', turn_id=turn)
    written = write_csv_reports(store, tmp_path / "out")
    assert {p.name: n for p, n in written.items()} == {
        "sessions.csv": 3,
        "turns.csv": sum(len(store.turns(s["id"])) for t in ("Dana Lee", "Eli Cruz") for s in store.sessions(store.sign_in(t))),
        "annotations.csv": 2,
    }
    sessions = read(tmp_path / "out" / "sessions.csv")
    assert list(sessions[0]) == list(SESSION_COLUMNS)
    by_id = {r["session_id"]: r for r in sessions}
    g, b = by_id[good], by_id[bad]
    assert g["trainee_name"] == "Dana Lee" and g["override_overall"] == "88" and g["override_empathy"] == ""
    assert int(g["overall"]) == store.session(good)["overall"] and g["topics"].count(";") >= 1
    assert g["passed"] == str(int(store.session(good)["overall"] >= 70)) and int(g["turns"]) == len(store.turns(good))
    assert b["blocked"] == "1" and "fdcpa-third-party" in b["blockers"] and b["passed"] == "0"
    assert b["comments"] == "1" and int(b["duration_s"]) >= 0
    active = [r for r in sessions if r["status"] == "active"][0]
    assert active["overall"] == "" and active["ended_at"] == "" and active["passed"] == "0"
    turns = read(tmp_path / "out" / "turns.csv")
    assert list(turns[0]) == list(TURN_COLUMNS)
    first = [r for r in turns if r["turn_id"] == turn][0]
    assert first["blocked"] == "1" and "fdcpa-third-party" in first["blockers"].split(";")
    assert first["reply"].startswith("Your balance") and first["patient_text"]
    notes = read(tmp_path / "out" / "annotations.csv")
    assert list(notes[0]) == list(ANNOTATION_COLUMNS)
    assert [n["text"] for n in notes if n["kind"] == "comment"] == ['\'=HYPERLINK("http://x")']  # not a formula


def test_a_reply_that_looks_like_a_formula_stays_text(store, library, tmp_path):
    from trainer.session import CallSession

    call = CallSession(library.get("surprise-deductible"), store, store.sign_in("Dana"), seed=1)
    call.open()
    call.submit("=1+2 is what you owe")
    write_csv_reports(store, tmp_path)
    assert read(tmp_path / "turns.csv")[0]["reply"] == "'=1+2 is what you owe"


def test_the_class_summary_reads_as_text(store, library):
    play(store, library, "Dana Lee", seed=1)
    play(store, library, "Eli Cruz", "collector-dispute", seed=2, breach=True)
    text = format_class_summary(class_summary(store), {"fdcpa-third-party": "Debt named to a stranger"})
    assert "2 trainee(s), 2 session(s)" in text
    assert "collections-and-compliance" in text and "surprise-deductible" in text
    assert "fdcpa-third-party  (Debt named to a stranger)" in text
    assert "none" in format_class_summary(class_summary(store.__class__(store.path.with_name("empty.db"))))


def test_csv_can_be_written_from_the_database_file_alone(store, library, tmp_path):
    play(store, library, "Dana Lee", seed=1)
    files = write_csv(store.path, tmp_path / "from file")  # e.g. in a worker thread, with its own connection
    assert sorted(p.name for p in files) == ["annotations.csv", "sessions.csv", "turns.csv"]
    assert len(read(tmp_path / "from file" / "sessions.csv")) == 1
