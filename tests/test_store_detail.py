"""Score details are stored packed with a fixed dictionary, and read back exactly."""

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.scoring import Scorer
from trainer.scoring.evaluate import load_corpus
from trainer.store.detail import DICTIONARY_1, DetailError, pack, unpack


@given(st.text())
def test_any_text_comes_back_unchanged(text):
    assert unpack(pack(text)) == text


def test_a_real_detail_packs_to_a_fraction_of_its_size():
    scorer = Scorer()
    items = [it for it in load_corpus() if it.split == "heldout"][:40]
    texts = [json.dumps(scorer.score(it.reply, it.context).to_dict()) for it in items]
    packed = [pack(t) for t in texts]
    assert [unpack(p) for p in packed] == texts
    assert sum(map(len, packed)) < sum(map(len, texts)) / 6


def test_text_written_before_packing_is_read_as_it_is():
    assert unpack('{"overall": 3}') == '{"overall": 3}'


def test_the_dictionary_is_the_one_details_were_packed_with():
    # Stored details need these exact bytes; a new dictionary needs a new codec byte.
    assert hashlib.sha256(DICTIONARY_1.read_bytes()).hexdigest()[:16] == "cef07a9205288c8a"


@pytest.mark.parametrize(
    "stored, words", [(b"", "empty"), (b"\x07abc", "unknown score-detail codec 7"), (b"\x01\xff\xfe\xfd", "damaged")]
)
def test_a_bad_detail_is_named(stored, words):
    with pytest.raises(DetailError, match=words):
        unpack(stored)


def test_a_damaged_detail_in_the_database_still_lets_the_call_be_reviewed(store, library):
    from classroom import play

    sid = play(store, library, "Dana Lee", replies=2)
    with store.db.conn:
        store.db.execute("UPDATE turns SET detail = X'01FFFF' WHERE session_id = ? AND idx = 0", [sid])
    first, second = store.turns(sid)[:2]
    assert "cannot be read: damaged score detail" in first.problem and first.score is None
    assert first.reply and second.score is not None and second.score.rubric_version


def test_a_dimension_that_did_not_apply_shows_as_na_in_every_view(store, tmp_path):
    import csv

    from trainer.domain import CallState, PatientLine, Turn
    from trainer.scoring import ScoreContext, Scorer
    from trainer.store.reports import write_csv
    from trainer.store.xapi import session_statements

    line = PatientLine("n", "n.a", "What is my balance?", 50)
    score = Scorer().score(
        "Your balance is $40, due on May 1.", ScoreContext(line.text, state=CallState(first_turn=False, identity_verified=True))
    )
    assert not score.empathy.applicable  # a plain question gives no opening for empathy
    sid = store.start_session(store.sign_in("Ana"), "x", "X", "h", score.rubric_version, "scripted", 1)
    store.add_turn(sid, Turn(0, line, "Your balance is $40, due on May 1.", score))
    store.finish_session(sid, "abandoned", None, {"overall": score.overall})
    [turn] = store.turns(sid)
    assert turn.empathy is None and turn.clarity is not None
    paths = write_csv(store, tmp_path)
    turns_csv = next(p for p in paths if p.name.startswith("turns"))
    [row] = list(csv.DictReader(turns_csv.open(encoding="utf-8-sig")))
    assert row["empathy"] == "" and row["clarity"] != ""
    answered = session_statements(store, sid)[2]
    ext = "https://billing-trainer.invalid/xapi/extensions"
    assert answered["result"]["extensions"][f"{ext}/empathy"] is None
