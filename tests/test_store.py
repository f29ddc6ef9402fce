import sqlite3

import pytest

from trainer.store.db import StoreError, move_aside
from trainer.store.schema import CURRENT_VERSION, MIGRATIONS
from trainer.store.store import Store


def test_new_database_has_wal_foreign_keys_and_version(tmp_path):
    store = Store(tmp_path / "t.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == CURRENT_VERSION
    store.close()
    again = Store(tmp_path / "t.db")  # reopening does not migrate twice
    assert again.db.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_ids_are_uuids_and_names_match_case_insensitively(store):
    a = store.sign_in("Dana Lee")
    assert len(a) == 36 and a.count("-") == 4
    assert store.sign_in("dana lee") == a


def test_foreign_keys_are_enforced(store):
    with pytest.raises(sqlite3.IntegrityError):
        with store.db.conn:
            store.db.execute(
                "INSERT INTO sessions (id, trainee_id, scenario_id, scenario_title, scenario_hash, "
                "rubric_version, persona_mode, seed, status, started_at) "
                "VALUES ('s', 'nobody', 'x', 'x', 'h', 'r', 'scripted', 1, 'active', 'now')"
            )


def test_a_file_that_is_not_sqlite_is_refused_and_kept(tmp_path):
    bad = tmp_path / "trainer.db"
    bad.write_bytes(b"these are not the bytes of a database" * 10)
    before = bad.read_bytes()
    with pytest.raises(StoreError) as e:
        Store(bad)
    assert str(bad) in str(e.value) and "not an SQLite database" in str(e.value)
    assert e.value.can_move_aside
    assert bad.read_bytes() == before


def test_a_truncated_database_is_refused_and_can_be_moved_aside(tmp_path):
    path = tmp_path / "trainer.db"
    s = Store(path)
    s.sign_in("someone")
    s.close()
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\x00garbage" * 200)  # a valid header, broken pages
    with pytest.raises(StoreError) as e:
        Store(path)
    assert str(path) in str(e.value)
    moved = move_aside(path)
    assert moved.exists() and not path.exists()
    Store(path).close()  # a fresh one opens


def test_someone_elses_sqlite_file_is_not_touched(tmp_path):
    path = tmp_path / "trainer.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not the trainer's"):
        Store(path)
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [("recipes",)]


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "trainer.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_version VALUES (999, 'later')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer version") as e:
        Store(path)
    assert e.value.kind == "newer"


def test_a_data_folder_that_cannot_be_made_names_the_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as e:
        Store(blocker / "data" / "trainer.db")
    assert str(blocker / "data") in str(e.value) and "--data-dir" in str(e.value)
