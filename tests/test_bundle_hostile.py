"""Hostile bundles: forged records never change what is here, bad values and bombs are refused with bounded memory.

Every bundle here is built by the test from an honest export (no binary files are committed).
"""

import hashlib
import json
import sqlite3
import struct
import tracemalloc
import zipfile
import zlib

import pytest

from classroom import fingerprint, kiosk, play
from trainer.store.bundle import BundleError, export_bundle, format_import_report, import_bundles, read_bundle
from trainer.store.detail import pack
from trainer.store.store import Store

VICTIM = "11111111-1111-4111-8111-111111111111"


def forge(path, sql="", counts=None, **manifest_changes):
    """Run SQL on a bundle's sessions.sqlite and seal it again (checksum and counts to match, unless given)."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        data = zf.read("sessions.sqlite")
    tmp = path.with_name("forge.tmp")
    tmp.write_bytes(data)
    con = sqlite3.connect(tmp)
    con.executescript(sql)
    if counts is None:
        counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in manifest["counts"]}
    con.close()
    data = tmp.read_bytes()
    tmp.unlink()
    manifest["counts"] = counts
    manifest["data"].update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    manifest.update(manifest_changes)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("sessions.sqlite", data)
    return path


def raw_zip(path, members):
    """A zip written by hand: (name, method, declared size, payload) each, so sizes can lie (deflated: no CRC)."""
    out, directory = bytearray(), bytearray()
    for name, method, size, payload in members:
        crc = zlib.crc32(payload) if method == 0 else 0
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(payload), size, len(name), 0)
        directory += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0,
                crc,
                len(payload),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                len(out),
            )
            + name.encode()
        )
        out += header + name.encode() + payload
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(out), 0)
    path.write_bytes(bytes(out + directory + end))
    return path


def zeros_deflated(mib):
    """Raw deflate of mib MiB of zeros, built from one flushed MiB repeated (fast, about 1 kB per MiB)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return block * mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


@pytest.fixture
def room(tmp_path, library):
    a = kiosk(tmp_path, "room-a")
    play(a, library, "Dana Lee", seed=1)
    play(a, library, "Eli Cruz", "collector-dispute", seed=2, breach=True)
    usb = tmp_path / "usb"
    usb.mkdir()
    yield a, usb
    a.close()


@pytest.fixture
def supervisor(tmp_path):
    s = Store(tmp_path / "supervisor" / "trainer.db")
    yield s
    s.close()


def imported(room, supervisor):
    a, usb = room
    report = import_bundles(supervisor, [export_bundle(a, usb).path])
    assert report.committed
    return a, usb, fingerprint(supervisor)


# ------------------------------------------------------------------ forged records never change what is here


def test_a_trainee_with_an_id_here_keeps_its_name_and_one_with_a_new_id_stays_apart(room, supervisor, library):
    a, usb, before = imported(room, supervisor)
    dana = supervisor.db.execute("SELECT id FROM trainees WHERE name = 'Dana Lee'").fetchone()[0]
    forged = forge(
        export_bundle(a, usb).path,
        f"""
        UPDATE trainees SET name = 'Mallory', badge = 'X1' WHERE id = '{dana}';
        INSERT INTO trainees VALUES ('{VICTIM}', 'ELI CRUZ', NULL, '2026-01-01T00:00:00Z', NULL);""",
    )
    report = import_bundles(supervisor, [forged])
    assert report.committed and report.totals()["trainees"].conflicts == 1 and report.totals()["trainees"].new == 1
    assert supervisor.db.execute("SELECT name, badge FROM trainees WHERE id = ?", [dana]).fetchone() == ("Dana Lee", None)
    eli = supervisor.db.execute("SELECT id, name FROM trainees WHERE name = 'Eli Cruz' COLLATE NOCASE ORDER BY name").fetchall()
    assert len(eli) == 2 and {r[0] for r in eli} >= {VICTIM}  # two trainees, told apart by id
    text = format_import_report(report)
    assert "same name, different trainee: 'ELI CRUZ'" in text and VICTIM in text and "'Mallory'" in text


def test_a_finished_later_copy_of_a_call_here_does_not_replace_it(room, supervisor):
    a, usb, before = imported(room, supervisor)
    sid, overall = supervisor.db.execute(
        "SELECT id, overall FROM sessions WHERE status = 'completed' ORDER BY id LIMIT 1"
    ).fetchone()
    forged = forge(
        export_bundle(a, usb).path,
        f"""
        UPDATE sessions SET overall = 100, ended_at = '2999-01-01T00:00:00.000+00:00' WHERE id = '{sid}';""",
    )
    report = import_bundles(supervisor, [forged])
    assert report.committed and report.totals()["sessions"].conflicts == 1
    assert supervisor.session(sid)["overall"] == overall != 100
    assert f"session {sid}" in "\n".join(report.bundles[0].conflicts) and fingerprint(supervisor) == before


def test_extra_turns_for_a_call_here_are_not_added(room, supervisor):
    a, usb, before = imported(room, supervisor)
    sid = supervisor.db.execute("SELECT id FROM sessions ORDER BY id LIMIT 1").fetchone()[0]
    forged = forge(
        export_bundle(a, usb).path,
        f"""
        INSERT INTO turns SELECT '{VICTIM}', session_id, 99, 1, patient_node, patient_line_id, patient_text,
            'an added reply', created_at, rubric_version, 100, 100, 100, 100, 0, detail
        FROM turns WHERE session_id = '{sid}' AND idx = 0;""",
    )
    report = import_bundles(supervisor, [forged])
    assert report.committed and report.totals()["turns"].conflicts == 1 and report.totals()["turns"].new == 0
    assert "never extended" in report.bundles[0].conflicts[0]
    assert fingerprint(supervisor) == before


def test_forged_overrides_and_comments_are_not_imported(room, supervisor):
    a, usb, before = imported(room, supervisor)
    sid = supervisor.db.execute("SELECT id FROM sessions ORDER BY id LIMIT 1").fetchone()[0]
    forged = forge(
        export_bundle(a, usb).path,
        f"""
        INSERT INTO annotations VALUES ('{VICTIM}', '{sid}', NULL, 'Supervisor', 'override', 'overall', 100,
            'fine', '2026-01-01T00:00:00Z', NULL);
        INSERT INTO annotations VALUES ('22222222-2222-4222-8222-222222222222', '{sid}', NULL, 'Supervisor',
            'comment', NULL, NULL, 'excellent', '2026-01-01T00:00:00Z', NULL);""",
    )
    report = import_bundles(supervisor, [forged])
    assert report.committed and report.bundles[0].notes_ignored == 2
    assert "2 supervisor notes ignored" in format_import_report(report)
    assert supervisor.annotations(sid) == [] and fingerprint(supervisor) == before


def test_a_pre_registered_alias_does_not_capture_a_later_kiosks_calls(room, supervisor, tmp_path, library):
    a, usb = room
    victim_room = kiosk(tmp_path, "room-v")
    play(victim_room, library, "Vic Tim", seed=5)
    victim_id = victim_room.db.execute("SELECT id FROM trainees").fetchone()[0]
    eli = a.db.execute("SELECT id FROM trainees WHERE name = 'Eli Cruz'").fetchone()[0]
    attack = forge(export_bundle(a, usb).path, f"INSERT INTO trainee_aliases VALUES ('{victim_id}', '{eli}');")
    first = import_bundles(supervisor, [attack])
    assert first.committed and first.bundles[0].aliases_ignored == 1
    assert supervisor.db.execute("SELECT COUNT(*) FROM trainee_aliases").fetchone()[0] == 0
    later = import_bundles(supervisor, [export_bundle(victim_room, usb).path])
    assert later.committed and later.totals()["trainees"].new == 1
    [(owner,)] = supervisor.db.execute("SELECT trainee_id FROM sessions WHERE kiosk_id = ?", [victim_room.kiosk_id])
    assert owner == victim_id != eli
    victim_room.close()


# ------------------------------------------------------------------ values out of range refuse the bundle


@pytest.mark.parametrize(
    "sql, words",
    [
        ("UPDATE sessions SET overall = 100000 WHERE id = (SELECT MIN(id) FROM sessions)", "overall 100000 is not 0-100"),
        ("UPDATE turns SET empathy = -5 WHERE idx = 0", "empathy -5 is not 0-100"),
        ("UPDATE sessions SET status = 'won' WHERE id = (SELECT MIN(id) FROM sessions)", "status 'won' is not one of"),
        (
            "UPDATE sessions SET started_at = 'yesterday' WHERE id = (SELECT MIN(id) FROM sessions)",
            "started_at 'yesterday' is not an ISO date",
        ),
        ("UPDATE trainees SET id = 'x' WHERE name = 'Eli Cruz'", "id 'x' is not an id"),
        ("UPDATE turns SET reply = printf('%.*c', 9000, 'a') WHERE idx = 0", "is not a text of at most 8,000"),
        ("UPDATE turns SET detail = zeroblob(1000000) WHERE idx = 0", "detail 1000000 bytes is not a packed score detail"),
    ],
)
def test_a_value_out_of_range_refuses_the_bundle_naming_table_row_and_field(room, supervisor, sql, words):
    a, usb = room
    before = fingerprint(supervisor)
    bad = forge(export_bundle(a, usb).path, sql)
    report = import_bundles(supervisor, [bad])
    assert not report.committed
    [problem] = report.rejected
    assert str(bad) in str(problem) and words in str(problem) and " row " in str(problem), str(problem)
    assert fingerprint(supervisor) == before


def test_a_detail_that_unpacks_to_megabytes_is_refused(room, supervisor):
    a, usb = room
    bomb = pack("[" + " " * 5_000_000 + "]")  # a few kB packed
    bad = forge(export_bundle(a, usb).path, f"UPDATE turns SET detail = x'{bomb.hex()}' WHERE idx = 0")
    [problem] = import_bundles(supervisor, [bad]).rejected
    assert "turns row" in str(problem) and "unpacks to more than" in str(problem)


def test_a_deeply_nested_detail_is_refused(room, supervisor):
    a, usb = room
    deep = pack("[" * 100 + "]" * 100)
    bad = forge(export_bundle(a, usb).path, f"UPDATE turns SET detail = x'{deep.hex()}' WHERE idx = 0")
    [problem] = import_bundles(supervisor, [bad]).rejected
    assert "nested deeper than" in str(problem)


# ------------------------------------------------------------------ printing what a bundle says


def test_a_kiosk_name_with_terminal_escapes_and_newlines_is_printed_harmlessly(room, supervisor):
    a, usb = room
    forged = forge(export_bundle(a, usb).path, kiosk_name="\x1b[31mRED\nrejected: fake line\x07")
    text = format_import_report(import_bundles(supervisor, [forged]))
    assert "\x1b" not in text and "\x07" not in text and "\\x1b[31mRED\\x0arejected: fake line" in text
    assert not any(line.startswith("rejected") for line in text.splitlines())


# ------------------------------------------------------------------ bombs and foreign structures


def test_a_deflate_bomb_is_refused_at_once_with_bounded_memory(tmp_path):
    payload = zeros_deflated(520)  # 520 MiB of zeros in about half a megabyte
    manifest = json.dumps(
        {
            "format": "billing-trainer-bundle",
            "format_version": 2,
            "schema_version": 4,
            "bundle_id": "b",
            "counts": {},
            "data": {"name": "sessions.sqlite", "bytes": 1 << 20, "sha256": "0" * 64},
        }
    ).encode()
    honest_size = raw_zip(
        tmp_path / "bomb.trainer-bundle",
        [("manifest.json", 0, len(manifest), manifest), ("sessions.sqlite", 8, 520 << 20, payload)],
    )
    lying_size = raw_zip(
        tmp_path / "liar.trainer-bundle",
        [("manifest.json", 0, len(manifest), manifest), ("sessions.sqlite", 8, 1 << 20, payload)],
    )
    for bomb, words in ((honest_size, "would unpack to"), (lying_size, "damaged")):
        tracemalloc.start()
        with pytest.raises(BundleError, match=words):
            read_bundle(bomb)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 8 << 20, peak  # never the 520 MiB it inflates to


def test_a_manifest_bomb_is_refused(tmp_path):
    big = zlib.compressobj(9, zlib.DEFLATED, -15)
    spaces = big.compress(b" " * (10 << 20)) + big.flush()
    inflated = raw_zip(tmp_path / "big.trainer-bundle", [("manifest.json", 8, 10 << 20, spaces), ("sessions.sqlite", 0, 1, b"x")])
    with pytest.raises(BundleError, match="would unpack to 10,485,760 bytes"):
        read_bundle(inflated)
    nested = b"[" * 60_000
    deep = raw_zip(tmp_path / "deep.trainer-bundle", [("manifest.json", 0, len(nested), nested), ("sessions.sqlite", 0, 1, b"x")])
    with pytest.raises(BundleError, match="manifest cannot be read"):
        read_bundle(deep)


def test_a_recursive_view_named_turns_is_refused_before_it_is_read(room, supervisor):
    a, usb = room
    counts = {"trainees": 2, "trainee_aliases": 0, "sessions": 2, "turns": 1, "score_blockers": 0, "annotations": 0}
    bad = forge(
        export_bundle(a, usb).path,
        """
        DROP TABLE turns;
        CREATE VIEW turns AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)
            SELECT n AS id, n AS session_id, n AS idx, 1 AS attempt FROM r;""",
        counts=counts,
    )
    [problem] = import_bundles(supervisor, [bad]).rejected
    assert "holds the view turns" in str(problem)


def test_a_trigger_in_the_bundle_is_refused(room, supervisor):
    a, usb = room
    bad = forge(
        export_bundle(a, usb).path,
        """
        CREATE TRIGGER spread AFTER INSERT ON score_blockers BEGIN DELETE FROM sessions; END;""",
    )
    [problem] = import_bundles(supervisor, [bad]).rejected
    assert "holds the trigger spread" in str(problem)


def test_an_extra_table_or_a_computed_column_is_refused(room, supervisor):
    a, usb = room
    extra = forge(export_bundle(a, usb).path, "CREATE TABLE notes (x);")
    assert "holds the table notes" in str(import_bundles(supervisor, [extra]).rejected[0])
    computed = forge(
        export_bundle(a, usb).path,
        """
        ALTER TABLE trainees ADD COLUMN big TEXT GENERATED ALWAYS AS (printf('%.*c', 100000000, 'x')) VIRTUAL;""",
    )
    assert "computed or hidden columns" in str(import_bundles(supervisor, [computed]).rejected[0])
