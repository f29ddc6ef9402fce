"""A reply is never lost: a full disk or a lock held by another program mid-call leaves the call as it was,
says what happened in words, keeps the reply in a recovery file, and the same reply can be sent again."""

import json
import sqlite3

import pytest

from trainer.session import RECOVERY_FILE, CallSession, ReplyNotSaved
from trainer.store.errors import StoreError
from trainer.store.store import Store

REPLY = "Hi, I'm Sam in billing. I'm sorry this was a surprise. Can I have your full name and date of birth?"


def started(library, store):
    session = CallSession(library.get("surprise-deductible"), store, store.sign_in("Ana"), seed=1)
    session.open()
    return session


def test_a_lock_held_by_another_program_keeps_the_reply_and_it_can_be_sent_again(library, store):
    session = started(library, store)
    store.db.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    with pytest.raises(ReplyNotSaved) as e:
        session.submit(REPLY)
    assert "Another program is holding" in str(e.value) and "send it again" in str(e.value)
    assert session.turns == [] and session.status == "active"  # the call is as it was
    [kept] = (store.path.parent / RECOVERY_FILE).read_text(encoding="utf-8").splitlines()
    assert json.loads(kept)["reply"] == REPLY
    other.execute("ROLLBACK")
    result = session.submit(REPLY)  # the lock is gone: the same reply goes through
    assert result.turn.attempt == 1 and [t.reply for t in store.turns(session.id)] == [REPLY]


def test_a_full_disk_is_said_in_words_and_nothing_is_half_written(library, store):
    session = started(library, store)
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # the file cannot grow: SQLite reports a full disk
    store.db.execute("PRAGMA cache_size = 1")
    long_reply = REPLY + " " + "I will explain every line of the bill. " * 90
    with pytest.raises(ReplyNotSaved) as e:
        for _ in range(200):  # fill the last free pages, then fail
            session.submit(long_reply)
            session.retry()
    assert "disk is full" in str(e.value)
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_foreign_sqlite_file_is_refused_before_any_write(tmp_path):
    path = tmp_path / "someone-elses.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as e:
        Store(path)
    assert e.value.kind == "foreign" and "left untouched" in str(e.value)
    assert path.read_bytes() == before  # not even switched to WAL
    assert not (tmp_path / "someone-elses.db-wal").exists()


def test_a_damaged_text_cell_is_exported_with_a_marker_not_a_crash(library, store, tmp_path):
    from trainer.store.reports import write_csv

    session = started(library, store)
    session.submit(REPLY)
    session.hang_up()
    store.db.execute("UPDATE turns SET reply = CAST(X'48656C6C6FFF' AS TEXT)")  # 'Hello' and a bad byte
    store.db.conn.commit()
    paths = write_csv(store, tmp_path / "out")
    turns_csv = next(p for p in paths if "turn" in p.name).read_text(encoding="utf-8")
    assert "Hello\ufffd" in turns_csv


@pytest.mark.parametrize("damage", ["DROP TABLE score_blockers", "ALTER TABLE turns DROP COLUMN patient_text"])
def test_a_dropped_table_or_column_is_refused_at_open_before_any_call_row_is_written(tmp_path, damage):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "trainer.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX IF EXISTS turns_place") if "turns" in damage else None
    conn.execute(damage)
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as e:
        Store(path)
    assert "is damaged" in str(e.value) and e.value.can_move_aside
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, str(root / "main.py"), "--data-dir", str(tmp_path), "practice", "surprise-deductible"],
        input="Hello\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
    )
    assert out.returncode == 2 and "is damaged" in out.stderr and "Traceback" not in out.stderr
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
