"""The headless data commands: export-bundle, import-bundle, report-csv, class-summary, report-card, xapi-*."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from classroom import play
from test_xapi import LRS, PASSWORD, USER, free_port_url
from trainer import cli
from trainer.cli_data import add_commands
from trainer.launch import main
from trainer.store.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def kiosk_dir(tmp_path, library):
    folder = tmp_path / "kiosk"
    store = Store(folder / "trainer.db")
    play(store, library, "Dana Lee", seed=1)
    play(store, library, "Eli Cruz", "collector-dispute", seed=2, breach=True)
    store.close()
    return folder


def run(*args):
    return main([str(a) for a in args])


def test_export_then_import_on_the_supervisors_machine(kiosk_dir, tmp_path, capsys):
    usb = tmp_path / "usb"
    usb.mkdir()
    assert run("--data-dir", kiosk_dir, "export-bundle", usb) == 0
    out = capsys.readouterr().out
    [bundle] = list(usb.iterdir())
    assert f"Wrote {bundle}" in out and "2 session(s)" in out
    supervisor = tmp_path / "supervisor"
    assert run("--data-dir", supervisor, "import-bundle", usb) == 0  # a folder: every bundle in it
    out = capsys.readouterr().out
    assert "Imported 1 bundle(s): 2 new session(s)" in out
    assert run("--data-dir", supervisor, "import-bundle", bundle) == 0
    assert "0 new session(s)" in capsys.readouterr().out


def test_bad_input_names_the_file_and_fails(kiosk_dir, tmp_path, capsys):
    assert run("--data-dir", kiosk_dir, "export-bundle", tmp_path / "no-stick") == 1
    assert str(tmp_path / "no-stick") in capsys.readouterr().err
    junk = tmp_path / "junk.trainer-bundle"
    junk.write_text("hello")
    assert run("--data-dir", tmp_path / "sup", "import-bundle", junk) == 1
    out = capsys.readouterr().out
    assert f"rejected: {junk}: is not a trainer bundle" in out and "Nothing was imported" in out
    assert run("--data-dir", tmp_path / "sup", "import-bundle", tmp_path / "empty-folder-that-is-not-there") == 1
    bad_db = tmp_path / "bad"
    bad_db.mkdir()
    (bad_db / "trainer.db").write_text("not a database")
    assert run("--data-dir", bad_db, "class-summary") == 2
    assert str(bad_db / "trainer.db") in capsys.readouterr().err


def test_reports_and_summary(kiosk_dir, tmp_path, capsys):
    assert run("--data-dir", kiosk_dir, "report-csv", tmp_path / "csv") == 0
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["annotations.csv", "sessions.csv", "turns.csv"]
    assert "sessions.csv (2 row(s))" in capsys.readouterr().out
    assert run("--data-dir", kiosk_dir, "class-summary") == 0
    text = capsys.readouterr().out
    assert "2 trainee(s), 2 session(s)" in text and "Do not reveal the debt to anyone but the consumer" in text
    assert run("--data-dir", kiosk_dir, "class-summary", "--json") == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == 2


def test_report_card_by_name(qapp, kiosk_dir, tmp_path, capsys):
    assert run("--data-dir", kiosk_dir, "report-card", "dana lee", tmp_path) == 0
    assert (tmp_path / "Dana Lee.pdf").read_bytes().startswith(b"%PDF")
    assert run("--data-dir", kiosk_dir, "report-card", "Nobody", tmp_path) == 1
    assert "no trainee named 'Nobody'" in capsys.readouterr().err


def test_xapi_export_to_a_file_and_to_an_lrs_then_flush_later(kiosk_dir, tmp_path, capsys, monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(var, raising=False)
    assert run("--data-dir", kiosk_dir, "xapi-export", tmp_path / "s.json", "--no-turns") == 0
    assert len(json.loads((tmp_path / "s.json").read_text())) == 4
    offline = free_port_url()
    assert (
        run(
            "--data-dir",
            kiosk_dir,
            "xapi-export",
            tmp_path / "s.json",
            "--post",
            offline,
            "--user",
            USER,
            "--password",
            PASSWORD,
            "--retries",
            "0",
        )
        == 1
    )
    captured = capsys.readouterr()
    assert "Queued 2 session(s)" in captured.out and "could not be reached" in captured.err
    assert list((kiosk_dir / "xapi-outbox").glob("*.json"))
    lrs = LRS()
    try:
        monkeypatch.setenv("BILLING_TRAINER_LRS_PASSWORD", PASSWORD)
        assert run("--data-dir", kiosk_dir, "xapi-flush", "--url", lrs.url) == 0  # user remembered
        assert "0 batch(es) still queued" in capsys.readouterr().out
        assert len(lrs.statements) > 4
    finally:
        lrs.stop()
    assert run("--data-dir", tmp_path / "fresh", "xapi-flush") == 2
    assert "no LRS endpoint" in capsys.readouterr().err


def test_the_commands_plug_into_the_main_parser(kiosk_dir, capsys):
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "import-bundle" not in sub.choices:  # until cli.py calls add_commands itself
        add_commands(sub)
    args = parser.parse_args(["--data-dir", str(kiosk_dir), "class-summary", "--json"])
    assert args.data_handler(args) == 0
    assert json.loads(capsys.readouterr().out)["trainees"] == 2


def test_it_runs_from_main_py_with_exit_codes(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "--data-dir",
            str(tmp_path),
            "import-bundle",
            str(tmp_path / "missing.trainer-bundle"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 1 and "missing.trainer-bundle: no such file" in out.stdout


def test_data_commands_need_the_supervisor_pin_once_one_is_set(kiosk_dir, tmp_path, capsys, monkeypatch):
    from trainer.store.pins import change_supervisor_pin
    from trainer.store.store import Store

    store = Store(kiosk_dir / "trainer.db")
    change_supervisor_pin(store, None, "2468")
    store.close()
    monkeypatch.delenv("BILLING_TRAINER_PIN", raising=False)
    for command in (
        ["report-csv", str(tmp_path / "csv")],
        ["class-summary"],
        ["export-bundle", str(tmp_path)],
        ["xapi-export", str(tmp_path / "x.json")],
        ["report-card", "Dana Lee", str(tmp_path)],
    ):
        assert run("--data-dir", kiosk_dir, *command) == 2, command
        assert "supervisor PIN is set" in capsys.readouterr().err
    monkeypatch.setenv("BILLING_TRAINER_PIN", "1111")
    assert run("--data-dir", kiosk_dir, "class-summary") == 2
    assert "not right" in capsys.readouterr().err
    monkeypatch.setenv("BILLING_TRAINER_PIN", "2468")
    assert run("--data-dir", kiosk_dir, "class-summary") == 0
    monkeypatch.delenv("BILLING_TRAINER_PIN")
    assert run("--data-dir", kiosk_dir, "reset-pin", "--yes") == 0  # the recovery path, at the computer
    assert run("--data-dir", kiosk_dir, "class-summary") == 0


def test_a_supervisor_overrides_a_score_or_lifts_a_blocker_from_the_terminal(kiosk_dir, capsys):
    from trainer.store.store import Store

    store = Store(kiosk_dir / "trainer.db")
    sid, rule = store.db.execute("SELECT session_id, rule_id FROM score_blockers LIMIT 1").fetchone()
    store.close()
    assert run("--data-dir", kiosk_dir, "override", sid, "--lift-blocker", "made-up", "--reason", "x") == 2
    assert "no blocker 'made-up'" in capsys.readouterr().err
    assert run("--data-dir", kiosk_dir, "override", sid, "--lift-blocker", rule, "--reason", "Not a breach here.") == 0
    assert "automatic: " in capsys.readouterr().out
    assert run("--data-dir", kiosk_dir, "override", sid, "--set", "empathy", "55", "--reason", "Too generous") == 0
    store = Store(kiosk_dir / "trainer.db")
    kinds = [a["kind"] for a in store.annotations(sid)]
    store.close()
    assert kinds == ["blocker", "override"]
