"""Runs: a start after a run that ended badly checks the file and marks its open calls interrupted."""

import socket
import sqlite3
import subprocess
import sys

import pytest

from classroom import play
from trainer.store.db import StoreError
from trainer.store.store import Store


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_clean_shutdown_is_not_reported_as_a_crash(tmp_path):
    store = Store(tmp_path / "t.db")
    assert store.begin_run() is False
    assert store.integrity is None  # no check was needed
    store.end_run()
    store.close()
    again = Store(tmp_path / "t.db")
    assert again.begin_run() is False
    again.close()  # close() ends an open run cleanly
    third = Store(tmp_path / "t.db")
    assert third.begin_run() is False
    third.close()


def test_a_run_that_ended_badly_triggers_the_integrity_check_and_interrupts_its_calls(tmp_path, library):
    path = tmp_path / "t.db"
    store = Store(path)
    store.begin_run()
    sid = play(store, library, "Dana", replies=2, finish=False)
    # the process dies here: no end_run, no close; its pid is gone
    store.db.execute("UPDATE runs SET pid = ?", [dead_pid()])
    store.db.conn.commit()
    store.db.close()

    after = Store(path)
    assert after.begin_run() is True
    assert after.integrity == "ok" and after.interrupted_at_start == 1
    assert after.session(sid)["status"] == "interrupted"
    assert len(after.turns(sid)) == 2  # still there, for review
    recovered = after.db.execute(
        "SELECT integrity, recovered_at FROM runs WHERE clean = 0 AND id != ?", [after.run_id]
    ).fetchone()
    assert recovered[0] == "ok" and recovered[1]
    after.end_run()
    assert after.begin_run() is False  # reported once
    after.close()


def test_a_damaged_file_found_after_a_crash_is_reported_and_left_alone(tmp_path, library):
    path = tmp_path / "t.db"
    store = Store(path)
    store.begin_run()
    for i in range(3):
        play(store, library, f"Trainee {i}", replies=3)
    store.db.execute("UPDATE runs SET pid = ?", [dead_pid()])
    store.db.conn.commit()
    store.db.close()
    # break an index behind SQLite's back: it no longer matches its table
    con = sqlite3.connect(path)
    con.execute("PRAGMA writable_schema=ON")
    con.execute(
        "UPDATE sqlite_master SET sql = replace(sql, '(trainee_id, started_at', '(started_at, trainee_id') "
        "WHERE name = 'sessions_trainee'"
    )
    con.commit()
    con.close()
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"t.db{suffix}").unlink(missing_ok=True)
    store = Store(path)
    status = store.db.execute("SELECT status FROM sessions").fetchall()
    with pytest.raises(StoreError) as e:
        store.begin_run()
    assert e.value.kind == "corrupt" and str(path) in str(e.value) and "integrity check" in str(e.value)
    assert store.db.execute("SELECT status FROM sessions").fetchall() == status  # nothing written
    assert store.db.execute("SELECT COUNT(*) FROM runs WHERE recovered_at IS NOT NULL").fetchone()[0] == 0
    store.db.close()


def test_a_run_still_going_elsewhere_is_not_taken_for_a_crash(tmp_path, library):
    path = tmp_path / "t.db"
    window = Store(path)
    window.begin_run()
    sid = play(window, library, "Dana", replies=1, finish=False)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        window.db.execute("UPDATE runs SET pid = ?, host = ?", [live.pid, socket.gethostname()])
        window.db.conn.commit()
        terminal = Store(path)
        assert terminal.begin_run() is False
        assert terminal.session(sid)["status"] == "active"  # the other window's call goes on
        terminal.close()
    finally:
        live.kill()
        live.wait()
    window.close()
