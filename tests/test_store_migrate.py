"""Schema versions: an older database is backed up beside itself, then upgraded in place; a newer one is refused."""

import json
import sqlite3

import pytest

from trainer.store.db import StoreError
from trainer.store.detail import unpack
from trainer.store.schema import CURRENT_VERSION, MIGRATIONS
from trainer.store.store import Store

DETAIL = {
    "empathy": {"score": 40},
    "blockers": [
        {"rule_id": "hipaa-verify-identity", "title": "Verify identity"},
        {"rule_id": "pci-card-data", "title": "Card data"},
    ],
}


def make_v1(path):
    """A database exactly as version 1 of the app left it, with one trainee, call and two turns."""
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);"
        + MIGRATIONS[0][1]
        + "; INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00+00:00');"
    )
    con.execute("INSERT INTO trainees VALUES ('t1', 'Dana Lee', NULL, '2026-01-02T00:00:00+00:00')")
    con.execute(
        "INSERT INTO sessions (id, trainee_id, scenario_id, scenario_title, scenario_hash, rubric_version, "
        "persona_mode, seed, status, ending, started_at, ended_at, empathy, clarity, compliance, overall, "
        "blocked) VALUES ('s1', 't1', 'surprise-deductible', 'Surprise', 'h', 'r1', 'scripted', 3, "
        "'completed', 'resolved', '2026-01-02T10:00:00+00:00', '2026-01-02T10:05:00+00:00', 60, 70, 0, 0, 1)"
    )
    for i, (blocked, detail) in enumerate([(1, DETAIL), (0, {"blockers": []})]):
        con.execute(
            "INSERT INTO turns VALUES (?, 's1', ?, 1, 'open', 'open.a', 'Hi', 'Hello', '2026-01-02T10:01:00+00:00')", [f"u{i}", i]
        )
        con.execute("INSERT INTO scores VALUES (?, 'r1', 40, 70, 0, 0, ?, ?)", [f"u{i}", blocked, json.dumps(detail)])
    con.commit()
    con.close()


def backups(folder):
    return sorted(folder.glob("trainer.db.v1-backup-*"))


def test_a_version_1_database_is_backed_up_then_upgraded_in_place(tmp_path):
    path = tmp_path / "trainer.db"
    make_v1(path)
    store = Store(path)
    # upgraded in place
    assert store.db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == CURRENT_VERSION
    assert store.db.execute("SELECT status, overall FROM sessions").fetchone() == ("completed", 0)
    turns = store.turns("s1")
    assert [t.reply for t in turns] == ["Hello", "Hello"] and turns[0].overall == 0 and turns[0].blocked
    raw = store.db.execute("SELECT detail FROM turns WHERE id = ?", [turns[0].id]).fetchone()[0]
    assert json.loads(unpack(raw)) == DETAIL  # packed by the upgrade, read back the same
    assert isinstance(store.db.execute("SELECT detail FROM turns").fetchone()[0], bytes)
    assert "scores" not in store.db.table_names()  # each score now lives in its turn's row
    assert sorted(store.db.execute("SELECT rule_id FROM score_blockers").fetchall()) == [
        ("hipaa-verify-identity",),
        ("pci-card-data",),
    ]
    kiosk = store.kiosk_id
    assert len(kiosk) == 36 and kiosk[14] == "4"
    assert store.db.execute("SELECT kiosk_id FROM sessions").fetchone()[0] == kiosk
    assert store.add_annotation("s1", "Supervisor", "comment", "Verify first.")  # the new tables work
    store.close()
    # the backup is beside it, still at version 1, with the same rows
    [backup] = backups(tmp_path)
    con = sqlite3.connect(backup)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    assert con.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 2
    assert "annotations" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    # opening again neither migrates nor backs up again
    Store(path).close()
    assert len(backups(tmp_path)) == 1


def test_a_new_database_needs_no_backup(tmp_path):
    Store(tmp_path / "trainer.db").close()
    assert list(tmp_path.glob("*backup*")) == []


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "trainer.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_version VALUES (?, 'later')", [CURRENT_VERSION + 1])
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as e:
        Store(path)
    assert e.value.kind == "newer" and str(path) in str(e.value) and "Update the app" in str(e.value)
    assert path.read_bytes() == before and list(tmp_path.glob("*backup*")) == []


def test_a_failed_upgrade_is_rolled_back_and_names_the_backup(tmp_path):
    path = tmp_path / "trainer.db"
    make_v1(path)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE annotations (something TEXT)")  # in the way of migration 2, after its ALTERs
    con.commit()
    con.close()
    with pytest.raises(StoreError) as e:
        Store(path)
    [backup] = backups(tmp_path)
    assert e.value.kind == "migration" and str(backup) in str(e.value) and "schema 1" in str(e.value)
    con = sqlite3.connect(path)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    assert "settings" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    cols = {r[1] for r in con.execute("PRAGMA table_info(sessions)")}
    assert "kiosk_id" not in cols  # the ALTER TABLEs were rolled back too
    con.close()


def test_the_user_is_told_before_an_upgrade_begins(tmp_path):
    path = tmp_path / "trainer.db"
    make_v1(path)
    told = []
    Store(path, on_upgrade=lambda old, new: told.append((old, new, len(backups(tmp_path))))).close()
    assert told == [(1, CURRENT_VERSION, 0)]  # before the backup, which takes as long as a copy
    Store(path, on_upgrade=lambda *a: told.append(a)).close()
    Store(tmp_path / "new.db", on_upgrade=lambda *a: told.append(a)).close()
    assert len(told) == 1  # neither an upgraded nor a new database is upgraded again


def test_the_terminal_commands_say_when_they_upgrade(tmp_path, capsys):
    from trainer.launch import main

    make_v1(tmp_path / "trainer.db")
    assert main(["--data-dir", str(tmp_path), "class-summary"]) == 0
    assert f"upgrading {tmp_path / 'trainer.db'} from schema 1 to {CURRENT_VERSION}" in capsys.readouterr().err


def test_the_window_shows_a_notice_while_it_upgrades(tmp_path, qtbot, monkeypatch):
    from trainer.ui import app

    shown = []
    close = app.UpgradeNotice.close

    def seen_then_closed(notice):
        shown.append(notice.box is not None and notice.box.isVisible())
        close(notice)

    monkeypatch.setattr(app.UpgradeNotice, "close", seen_then_closed)
    make_v1(tmp_path / "trainer.db")
    data = app.open_store_or_explain(tmp_path / "trainer.db")
    version = data.call(lambda store: store.db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])
    assert shown == [True] and version == CURRENT_VERSION
    data.close()


def test_the_space_an_upgrade_frees_is_given_back(tmp_path):
    path = tmp_path / "trainer.db"
    make_v1(path)
    con = sqlite3.connect(path)
    detail = json.dumps({"reasons": ["a reason of some length"] * 20})
    for i in range(2, 2000):
        con.execute("INSERT INTO turns VALUES (?, 's1', ?, 1, 'open', 'open.a', 'Hi', 'Hello', 'x')", [f"u{i}", i])
        con.execute("INSERT INTO scores VALUES (?, 'r1', 40, 70, 0, 0, 0, ?)", [f"u{i}", detail])
    con.commit()
    con.close()
    before = path.stat().st_size
    store = Store(path)
    pragma = [store.db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("freelist_count", "page_size", "journal_mode")]
    assert pragma == [0, 16384, "wal"]  # compacted, with today's page size, back in WAL mode
    # half the size, give or take the first page of each table and index later schemas add
    assert path.stat().st_size < before / 2 + 8 * 16384 and len(store.turns("s1")) == 2000
    store.close()


def test_schema_4_refiles_threats_stored_under_the_assistance_rule():
    """Rubric 2026.11-1 stored a hospital's threat as 'irs-501r-financial-assistance'; the upgrade re-files it."""
    import json
    import sqlite3

    from trainer.scoring.rules import RULES
    from trainer.store import relabel
    from trainer.store.detail import pack, unpack

    old = {
        "blockers": [
            {
                "rule_id": "irs-501r-financial-assistance",
                "title": "Offer financial assistance when hardship is voiced",
                "source": "IRS 501(r)",
                "start": 0,
                "end": 9,
            }
        ],
        "empathy": {"score": 0},
    }
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        "CREATE TABLE turns (id TEXT, blocked INTEGER, detail BLOB);"
        "CREATE TABLE score_blockers (session_id TEXT, turn_id TEXT, rule_id TEXT,"
        " PRIMARY KEY (session_id, turn_id, rule_id));"
    )
    conn.execute("INSERT INTO turns VALUES ('t1', 1, ?), ('t2', 0, ?)", [pack(json.dumps(old)), pack("{}")])
    conn.execute("INSERT INTO score_blockers VALUES ('s1', 't1', 'irs-501r-financial-assistance')")
    conn.create_function("relabel_detail", 1, relabel.relabel_detail, deterministic=True)
    conn.executescript(f"BEGIN; {relabel.SQL}; COMMIT;")
    assert conn.execute("SELECT rule_id FROM score_blockers").fetchall() == [("no-false-threats",)]
    [blocker] = json.loads(unpack(conn.execute("SELECT detail FROM turns WHERE id = 't1'").fetchone()[0]))["blockers"]
    rule = RULES["no-false-threats"]
    assert (blocker["rule_id"], blocker["title"], blocker["source"]) == (rule.id, rule.title, rule.source)
    assert blocker["start"] == 0 and blocker["end"] == 9
    assert unpack(conn.execute("SELECT detail FROM turns WHERE id = 't2'").fetchone()[0]) == "{}"
    assert relabel.relabel_detail(b"\x01garbage") == b"\x01garbage"  # a damaged detail is left as it was


def test_an_older_kiosks_bundle_is_refiled_on_import_and_an_untouched_one_is_not_copied():
    import sqlite3
    from pathlib import Path

    from trainer.store.bundle import _relabel_threats

    def bundle(rule):
        conn = sqlite3.connect(":memory:")
        conn.executescript(
            "CREATE TABLE turns (id TEXT, blocked INTEGER, detail BLOB);"
            "CREATE TABLE score_blockers (session_id TEXT, turn_id TEXT, rule_id TEXT,"
            " PRIMARY KEY (session_id, turn_id, rule_id));"
        )
        conn.execute("INSERT INTO turns VALUES ('t1', 1, '{}')")
        conn.execute("INSERT INTO score_blockers VALUES ('s1', 't1', ?)", [rule])
        conn.commit()
        return conn.serialize()

    clean = bundle("pci-card-data")
    assert _relabel_threats(Path("k.trainer-bundle"), clean) is clean
    refiled = sqlite3.connect(":memory:")
    refiled.deserialize(_relabel_threats(Path("k.trainer-bundle"), bundle("irs-501r-financial-assistance")))
    assert refiled.execute("SELECT rule_id FROM score_blockers").fetchall() == [("no-false-threats",)]
