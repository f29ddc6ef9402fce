"""Kiosk bundles: export, and import that only adds (by UUID); bad files are refused and change nothing.

The hostile cases (forged records, out-of-range values, bombs) are in test_bundle_hostile.py."""

import hashlib
import json
import sqlite3
import zipfile

import pytest

from classroom import fingerprint, kiosk, play
from trainer.session import CallSession
from trainer.store import bundle
from trainer.store.bundle import importer
from trainer.store.bundle import BUNDLE_SUFFIX, export_bundle, import_bundles, read_bundle
from trainer.store.detail import unpack
from trainer.store.schema import CURRENT_VERSION
from trainer.store.store import Store


def reseal(path, sql="", **manifest_changes):
    """Change a bundle's data (SQL on its sessions.sqlite) and/or manifest, with a matching checksum."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        data = zf.read("sessions.sqlite")
    tmp = path.with_name("data.tmp")
    tmp.write_bytes(data)
    con = sqlite3.connect(tmp)
    con.create_function("unpack_detail", 1, unpack)
    con.executescript(sql)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    manifest["counts"] = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in bundle.COLUMNS if t in tables}
    con.commit()
    con.close()
    data = tmp.read_bytes()
    tmp.unlink()
    manifest["data"].update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    manifest.update(manifest_changes)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("sessions.sqlite", data)
    return path


@pytest.fixture
def kiosks(tmp_path, library):
    a, b = kiosk(tmp_path, "room-a"), kiosk(tmp_path, "room-b")
    play(a, library, "Dana Lee", seed=1)
    play(a, library, "Eli Cruz", "collector-dispute", seed=2, breach=True)
    play(b, library, "dana lee", "surprise-deductible", seed=3)  # the same trainee, signed in on another kiosk
    play(b, library, "Fay Ng", "surprise-deductible", seed=4)
    usb = tmp_path / "usb"
    usb.mkdir()
    yield a, b, usb
    a.close()
    b.close()


@pytest.fixture
def supervisor(tmp_path):
    s = Store(tmp_path / "supervisor" / "trainer.db")
    yield s
    s.close()


def test_a_bundle_is_one_file_with_a_manifest_and_checksum(kiosks):
    a, _, usb = kiosks
    result = export_bundle(a, usb)
    assert result.path.parent == usb and result.path.name.startswith("room-a-") and result.path.suffix == BUNDLE_SUFFIX
    assert [p.name for p in usb.iterdir()] == [result.path.name]  # no temporary file left behind
    with zipfile.ZipFile(result.path) as zf:
        assert zf.namelist() == ["manifest.json", "sessions.sqlite"]
        manifest = json.loads(zf.read("manifest.json"))
        data = zf.read("sessions.sqlite")
    assert manifest["format"] == "billing-trainer-bundle" and manifest["schema_version"] == CURRENT_VERSION
    assert manifest["kiosk_id"] == a.kiosk_id and manifest["kiosk_name"] == "room-a"
    assert manifest["data"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["counts"]["sessions"] == 2 and manifest["counts"]["trainees"] == 2
    assert manifest["counts"]["turns"] == a.db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
    assert manifest["counts"]["score_blockers"] >= 1
    assert read_bundle(result.path) == manifest
    page = int.from_bytes(data[16:18], "big")  # the SQLite header's page size
    assert page == a.db.execute("PRAGMA page_size").fetchone()[0] == 16384


def test_bundles_from_two_kiosks_merge_and_a_second_import_changes_nothing(kiosks, supervisor):
    a, b, usb = kiosks
    files = [export_bundle(a, usb).path, export_bundle(b, usb).path]
    report = import_bundles(supervisor, files)
    assert report.committed and not report.rejected
    t = report.totals()
    assert t["sessions"].new == 4 and t["turns"].new == 4 * 0 + sum(
        k.db.execute("SELECT COUNT(*) FROM turns").fetchone()[0] for k in (a, b)
    )
    assert t["trainees"].new == 4 and sum(c.conflicts for c in t.values()) == 0
    # "Dana Lee" on room A and "dana lee" on room B have two ids: two trainees, listed for the supervisor
    danas = supervisor.db.execute("SELECT id FROM trainees WHERE name = 'Dana Lee' COLLATE NOCASE").fetchall()
    assert len(danas) == 2 and all(len(supervisor.sessions(d[0])) == 1 for d in danas)
    [pair] = report.bundles[1].same_names
    assert "'dana lee'" in pair and "'Dana Lee'" in pair and all(d[0] in pair for d in danas)
    assert "same name, different trainee: 'dana lee'" in bundle.format_import_report(report)
    kiosk_ids = {r[0] for r in supervisor.db.execute("SELECT DISTINCT kiosk_id FROM sessions")}
    assert kiosk_ids == {a.kiosk_id, b.kiosk_id}
    assert supervisor.db.execute("SELECT COUNT(*) FROM score_blockers").fetchone()[0] >= 1
    if any(c[1] == "passed" for c in supervisor.db.execute("PRAGMA table_info(sessions)")):
        # each added call's verdict is worked out here, the same as on its kiosk
        verdicts = {r for k in (a, b) for r in k.db.execute("SELECT id, passed FROM sessions")}
        assert set(supervisor.db.execute("SELECT id, passed FROM sessions").fetchall()) == verdicts
        assert any(passed for _, passed in verdicts)
    before = fingerprint(supervisor)

    again = import_bundles(supervisor, files)
    assert again.committed
    totals = again.totals()
    assert all(c.new == c.conflicts == 0 for c in totals.values())
    assert totals["turns"].unchanged == t["turns"].new and totals["sessions"].unchanged == 4
    assert fingerprint(supervisor) == before
    assert supervisor.db.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 4


def test_a_call_here_is_never_changed_or_extended_by_a_later_copy(tmp_path, library, supervisor):
    room = kiosk(tmp_path, "room")
    usb = tmp_path / "usb"
    usb.mkdir()
    call = CallSession(library.get("surprise-deductible"), room, room.sign_in("Dana"), seed=1)
    line = call.open()
    line = call.submit(line.model_answer).patient
    early = export_bundle(room, usb).path  # exported mid-call
    while not call.finished:
        line = call.submit(line.model_answer).patient
    late = export_bundle(room, usb).path
    first = import_bundles(supervisor, [early])
    assert first.totals()["sessions"].new == 1 and supervisor.session(call.id)["status"] == "active"
    before = fingerprint(supervisor)
    second = import_bundles(supervisor, [late])  # bundles only add: the call here stays as it was
    t = second.totals()
    assert second.committed and t["sessions"].conflicts == 1 and t["sessions"].new == 0
    assert t["turns"].new == 0 and t["turns"].unchanged == 1 and t["turns"].conflicts == len(call.turns) - 1
    assert "a call here is never extended" in "\n".join(second.bundles[0].conflicts)
    assert fingerprint(supervisor) == before and supervisor.session(call.id)["status"] == "active"
    room.close()


def test_conflicts_are_reported_and_the_copy_here_is_kept(kiosks, supervisor):
    a, _, usb = kiosks
    import_bundles(supervisor, [export_bundle(a, usb).path])
    turn = a.db.execute("SELECT id, reply FROM turns ORDER BY id LIMIT 1").fetchone()
    tampered = reseal(
        export_bundle(a, usb).path,
        f"""
        UPDATE turns SET reply = 'something else' WHERE id = '{turn[0]}';
        UPDATE sessions SET scenario_hash = 'another file' WHERE id = (SELECT id FROM sessions ORDER BY id LIMIT 1);
        UPDATE trainees SET name = 'Someone Else' WHERE name = 'Eli Cruz';""",
    )
    report = import_bundles(supervisor, [tampered])
    t = report.totals()
    assert t["turns"].conflicts == 1 and t["sessions"].conflicts == 1 and t["trainees"].conflicts == 1
    text = "\n".join(report.bundles[0].conflicts)
    assert turn[0] in text and "kept the one here" in text and "Someone Else" in text
    assert supervisor.db.execute("SELECT reply FROM turns WHERE id = ?", [turn[0]]).fetchone()[0] == turn[1]
    assert "conflict" in bundle.format_import_report(report)


def test_supervisor_notes_in_a_bundle_are_counted_not_imported(kiosks, supervisor, tmp_path):
    a, b, usb = kiosks
    import_bundles(supervisor, [export_bundle(a, usb).path])
    sid = supervisor.db.execute("SELECT id FROM sessions ORDER BY id LIMIT 1").fetchone()[0]
    turn = supervisor.turns(sid)[0].id
    note = supervisor.add_annotation(
        sid, "Ms Ortiz", "override", "Fine in context", turn_id=turn, dimension="compliance", value=90
    )
    out = tmp_path / "from-supervisor"
    out.mkdir()
    from_supervisor = export_bundle(supervisor, out).path
    second = Store(tmp_path / "second" / "trainer.db")
    report = import_bundles(second, [export_bundle(b, usb).path, from_supervisor])
    assert report.committed and report.bundles[1].notes_ignored == 1
    assert "1 supervisor notes ignored" in bundle.format_import_report(report)
    assert note and second.annotations(sid) == [] and len(second.turns(sid)) == len(supervisor.turns(sid))
    assert second.db.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == 0
    second.close()


def test_export_can_be_limited_to_recent_calls_or_to_this_kiosk(kiosks, supervisor, tmp_path):
    a, b, usb = kiosks
    import_bundles(supervisor, [export_bundle(a, usb).path, export_bundle(b, usb).path])
    out = tmp_path / "out"
    out.mkdir()
    assert export_bundle(supervisor, out, since="2999-01-01").manifest["counts"]["sessions"] == 0
    own = export_bundle(supervisor, out, origin=a.kiosk_id).manifest["counts"]
    assert own["sessions"] == 2 and own["trainees"] == 2


# ------------------------------------------------------------------ bad files


def corrupt(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def foreign_text(path):
    path.write_text("name,score\nDana,80\n")


def foreign_database(path):
    path.unlink()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()


def foreign_zip(path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("photo.txt", "not a bundle")


def newer_schema(path):
    reseal(path, schema_version=CURRENT_VERSION + 1, app_version="9.0")


def newer_format(path):
    reseal(path, format_version=bundle.BUNDLE_FORMAT_VERSION + 1)


def wrong_checksum(path):
    with zipfile.ZipFile(path) as zf:
        manifest, data = json.loads(zf.read("manifest.json")), zf.read("sessions.sqlite")
    manifest["data"]["sha256"] = "0" * 64
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("sessions.sqlite", data)


def missing_table(path):
    reseal(path, "DROP TABLE annotations;")


def orphan_turns(path):
    reseal(path, "DELETE FROM sessions WHERE id = (SELECT session_id FROM turns LIMIT 1);")


@pytest.mark.parametrize(
    "damage, words",
    [
        (corrupt, "damaged"),
        (truncate, "damaged or incomplete"),
        (foreign_text, "not a trainer bundle"),
        (foreign_database, "not a bundle"),
        (foreign_zip, "not a trainer bundle"),
        (newer_schema, "newer version"),
        (newer_format, "newer version"),
        (wrong_checksum, "checksum"),
        (missing_table, "no annotations table"),
        (orphan_turns, "inconsistent"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_changes(kiosks, supervisor, damage, words):
    a, b, usb = kiosks
    import_bundles(supervisor, [export_bundle(b, usb).path])
    before = fingerprint(supervisor)
    bad = export_bundle(a, usb).path
    damage(bad)
    report = import_bundles(supervisor, [bad])
    assert not report.committed and report.bundles == []
    [problem] = report.rejected
    assert str(bad) in str(problem) and words in str(problem), str(problem)
    assert fingerprint(supervisor) == before
    assert "Nothing was imported" in bundle.format_import_report(report)


def test_one_bad_file_stops_the_import_unless_told_to_skip_it(kiosks, supervisor):
    a, b, usb = kiosks
    good, bad = export_bundle(a, usb).path, export_bundle(b, usb).path
    truncate(bad)
    missing = usb / "gone.trainer-bundle"
    before = fingerprint(supervisor)
    report = import_bundles(supervisor, [good, bad, missing])
    assert not report.committed and len(report.rejected) == 2  # every bad file is named
    assert {p.path for p in report.rejected} == {bad, missing}
    assert fingerprint(supervisor) == before
    skipped = import_bundles(supervisor, [good, bad], skip_bad=True)
    assert skipped.committed and skipped.totals()["sessions"].new == 2 and len(skipped.rejected) == 1


def test_the_import_is_one_transaction(kiosks, supervisor, monkeypatch):
    a, b, usb = kiosks
    files = [export_bundle(a, usb).path, export_bundle(b, usb).path]
    before = fingerprint(supervisor)
    calls = []
    real = importer._record_import

    def fail_on_second(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real(*args)

    monkeypatch.setattr(importer, "_record_import", fail_on_second)
    with pytest.raises(RuntimeError):
        import_bundles(supervisor, files)
    assert fingerprint(supervisor) == before  # the first bundle was rolled back too
    assert supervisor.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # settings restored


def test_a_big_import_loads_in_bulk_and_ends_the_same(kiosks, supervisor, tmp_path, monkeypatch):
    a, b, usb = kiosks
    files = [export_bundle(a, usb).path, export_bundle(b, usb).path]
    plain = Store(tmp_path / "plain" / "trainer.db")
    import_bundles(plain, files)
    monkeypatch.setattr(importer, "BULK_MIN_TURNS", 1)
    report = import_bundles(supervisor, files)
    assert report.committed
    assert fingerprint(supervisor) == fingerprint(plain)
    indexes = {r[0] for r in supervisor.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert set(bundle.BULK_INDEXES) <= indexes
    assert supervisor.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert supervisor.db.execute("PRAGMA foreign_key_check").fetchall() == []
    plain.close()


def test_a_big_import_finds_turns_already_here_without_its_dropped_index(kiosks, supervisor, monkeypatch):
    a, b, usb = kiosks
    first, second = export_bundle(a, usb).path, export_bundle(b, usb).path
    monkeypatch.setattr(importer, "BULK_MIN_TURNS", 1)
    report = import_bundles(supervisor, [first, second, first])  # the same calls twice in one import
    assert report.committed
    again = report.bundles[2].counts
    assert again["turns"].unchanged == report.bundles[0].counts["turns"].new > 0
    assert all(c.new == c.conflicts == 0 for c in again.values())
    before = fingerprint(supervisor)
    tampered = reseal(export_bundle(a, usb).path, "UPDATE turns SET reply = 'changed' WHERE idx = 0")
    report = import_bundles(supervisor, [tampered, second])  # bulk again: as many turns coming as here
    assert (
        report.committed
        and report.totals()["turns"].conflicts == a.db.execute("SELECT COUNT(*) FROM turns WHERE idx = 0").fetchone()[0]
    )
    assert fingerprint(supervisor) == before
    assert supervisor.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_turn_is_known_by_its_place_in_the_call(kiosks, supervisor):
    a, _, usb = kiosks
    import_bundles(supervisor, [export_bundle(a, usb).path])
    sid, idx, old_id = supervisor.db.execute("SELECT session_id, idx, id FROM turns ORDER BY session_id, idx LIMIT 1").fetchone()
    other = "00000000-0000-4000-8000-000000000001"
    clash = reseal(
        export_bundle(a, usb).path,
        f"""
        UPDATE score_blockers SET turn_id = '{other}' WHERE turn_id = '{old_id}';
        UPDATE turns SET id = '{other}' WHERE id = '{old_id}';""",
    )
    before = fingerprint(supervisor)
    report = import_bundles(supervisor, [clash])
    assert report.committed
    t = report.totals()
    assert t["turns"].conflicts == 1 and t["turns"].new == 0 and t["sessions"].unchanged == 2
    assert f"another turn is already at reply {idx + 1}, attempt 1 of session {sid}" in report.bundles[0].conflicts[0]
    assert fingerprint(supervisor) == before  # the turn here was kept
    assert supervisor.db.execute("PRAGMA foreign_key_check").fetchall() == []


def format_1(path):
    """The bundle as the app wrote it before turns and scores were one table (format 1, schema 2)."""
    return reseal(
        path,
        """
        CREATE TABLE old_turns (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, idx INTEGER NOT NULL,
            attempt INTEGER NOT NULL, patient_node TEXT NOT NULL, patient_line_id TEXT NOT NULL,
            patient_text TEXT NOT NULL, reply TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE scores (turn_id TEXT PRIMARY KEY, rubric_version TEXT NOT NULL, empathy INTEGER NOT NULL,
            clarity INTEGER NOT NULL, compliance INTEGER NOT NULL, overall INTEGER NOT NULL,
            blocked INTEGER NOT NULL, detail TEXT NOT NULL);
        INSERT INTO old_turns SELECT id, session_id, idx, attempt, patient_node, patient_line_id, patient_text,
            reply, created_at FROM turns;
        INSERT INTO scores SELECT id, rubric_version, empathy, clarity, compliance, overall, blocked,
            unpack_detail(detail) FROM turns;
        DROP TABLE turns;
        ALTER TABLE old_turns RENAME TO turns;""",
        format_version=1,
        schema_version=2,
    )


def test_a_bundle_from_an_older_version_is_upgraded_as_it_is_read(kiosks, supervisor, tmp_path):
    a, _, usb = kiosks
    old = format_1(export_bundle(a, usb).path)
    report = import_bundles(supervisor, [old])
    assert report.committed and not report.rejected
    assert report.totals()["turns"].new == a.db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
    sid = a.db.execute("SELECT id FROM sessions ORDER BY id LIMIT 1").fetchone()[0]
    assert supervisor.turns(sid) == a.turns(sid)  # details unpacked to the same JSON
    again = import_bundles(supervisor, [export_bundle(a, usb).path])  # the same calls in today's format
    assert sum(c.new + c.conflicts for c in again.totals().values()) == 0


def test_a_place_held_by_a_stray_turn_is_a_conflict_not_a_crash(kiosks, supervisor):
    a, _, usb = kiosks
    sid = a.db.execute("SELECT id FROM sessions ORDER BY id LIMIT 1").fetchone()[0]
    stray = next(a.db.query("SELECT * FROM turns WHERE session_id = ? AND idx = 0", [sid]))
    stray["id"], stray["reply"] = "00000000-0000-4000-8000-000000000002", "a turn left without its call"
    con = supervisor.db.conn
    con.execute("PRAGMA foreign_keys=OFF")  # as a damaged database might hold it
    con.execute(f"INSERT INTO turns ({', '.join(stray)}) VALUES ({', '.join('?' * len(stray))})", list(stray.values()))
    con.commit()
    con.execute("PRAGMA foreign_keys=ON")
    report = import_bundles(supervisor, [export_bundle(a, usb).path])
    assert report.committed
    t = report.totals()
    assert t["sessions"].new == 2 and t["turns"].conflicts == 1
    assert "another turn is already at reply 1, attempt 1" in report.bundles[0].conflicts[0]
    assert supervisor.turns(sid)[0].reply == "a turn left without its call"  # the one here was kept
