import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin="", env=None):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env or os.environ.copy(),
        cwd=ROOT,
    )


def test_practice_plays_a_call_in_the_terminal_and_stores_it(tmp_path):
    replies = (
        "\n".join(
            [
                "Hello, this is Jordan Lee. Am I speaking with Marcus? Can you confirm your date of birth?",
                "Thank you. This is an attempt to collect a debt, and any information obtained will be used for that purpose.",
                "",
                "You have every right to dispute it. I'll mark the account as disputed and pause all collection, "
                "and mail you written verification of the debt.",
                "That sounds scary after a visit like that. The insurer denied it as out of network, but for an emergency "
                "your plan has to pay at in-network rates. I'll send it back to the hospital today to resubmit.",
                "That sounds really stressful. What would help you most right now? We will not report anything while "
                "the dispute is open, and the bureaus don't list medical collections under $500.",
            ]
        )
        + "\n"
    )
    out = run("--data-dir", str(tmp_path), "practice", "collector-dispute", "--seed", "2", "--name", "Ana", stdin=replies)
    assert out.returncode == 0, out.stderr
    assert "PATIENT:" in out.stdout and "empathy" in out.stdout
    assert "empty reply is not sent" in out.stdout
    assert "Call over: resolved" in out.stdout
    import sqlite3

    con = sqlite3.connect(tmp_path / "trainer.db")
    assert con.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 5
    assert con.execute("SELECT status FROM sessions").fetchone()[0] == "completed"


def test_practice_names_an_unknown_scenario(tmp_path):
    out = run("--data-dir", str(tmp_path), "practice", "no-such-call")
    assert out.returncode == 2 and "no scenario 'no-such-call'" in out.stderr and "surprise-deductible" in out.stderr


def test_practice_reports_a_corrupt_database_without_touching_it(tmp_path):
    db = tmp_path / "trainer.db"
    db.write_text("not a database")
    out = run("--data-dir", str(tmp_path), "practice", "surprise-deductible")
    assert out.returncode == 2 and str(db) in out.stderr
    assert db.read_text() == "not a database"


def test_data_dir_can_come_from_the_environment(tmp_path):
    env = dict(os.environ, BILLING_TRAINER_DATA_DIR=str(tmp_path / "from-env"))
    out = run("practice", "surprise-deductible", stdin="", env=env)
    assert out.returncode == 0
    assert (tmp_path / "from-env" / "trainer.db").exists()


def test_score_prints_scores_and_reasons():
    out = run(
        "score",
        "I'm so sorry, that sounds stressful. Let's look at it together.",
        "--patient-line",
        "I'm so upset about this bill!",
        "--state",
        "identity_verified=true",
    )
    assert out.returncode == 0
    assert "empathy" in out.stdout and "names or validates" in out.stdout


def test_score_json_and_bad_state():
    out = run("score", "Calm down and pay the bill.", "--json")
    data = json.loads(out.stdout)
    assert data["empathy"]["score"] < 40 and data["rubric_version"]
    bad = run("score", "hi", "--state", "nonsense=true")
    assert bad.returncode == 2 and "unknown field 'nonsense'" in bad.stderr


def test_validate_passes_the_builtin_library_and_fails_a_broken_file(tmp_path):
    ok = run("validate")
    assert ok.returncode == 0 and "0 problem(s)" in ok.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: [unclosed\n")
    bad = run("validate", str(broken))
    assert bad.returncode == 1 and f"{broken}:" in bad.stdout and "not valid YAML" in bad.stdout


def test_no_display_gives_one_clear_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = run("--data-dir", str(tmp_path), env=env)
    assert out.returncode == 2
    assert "no display found" in out.stderr and "practice" in out.stderr
    assert "Traceback" not in out.stderr


def test_practice_commands_are_never_sent_to_the_patient(tmp_path):
    out = run(
        "--data-dir",
        str(tmp_path),
        "practice",
        "surprise-deductible",
        "--seed",
        "1",
        "--name",
        "Ana",
        stdin="/help\n/nonsense\n/hangup\n",
    )
    assert out.returncode == 0, out.stderr
    assert "/hangup ends the call" in out.stdout and "unknown command '/nonsense'" in out.stdout
    assert "Call over: you hung up  (0 replies)" in out.stdout
    import sqlite3

    assert sqlite3.connect(tmp_path / "trainer.db").execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 0


def test_one_reply_is_one_reply():
    from trainer.console import replies

    assert (replies(0), replies(1), replies(2)) == ("0 replies", "1 reply", "2 replies")


def test_practice_shows_the_patient_card_the_reasons_and_answers_hint_and_retry(tmp_path):
    replies = (
        "\n".join(
            [
                "/hint",
                "Calm down. You should have read your policy.",
                "/retry",
                "Hi, I'm Sam in billing. I'm sorry this was a surprise. Can I have your full name and date of birth?",
                "/hangup",
            ]
        )
        + "\n"
    )
    out = run("--data-dir", str(tmp_path), "practice", "surprise-deductible", "--seed", "1", "--name", "Ana", stdin=replies)
    assert out.returncode == 0, out.stderr
    assert "Your goals on this call:" in out.stdout and "Account:" in out.stdout  # the patient card
    assert "Why:" in out.stdout  # /hint names a move and its reason
    assert "blames the patient" in out.stdout  # the reasons behind a score, not only the "try" line
    assert "Answer that line again" in out.stdout  # /retry
    import sqlite3

    rows = sqlite3.connect(tmp_path / "trainer.db").execute("SELECT idx, attempt FROM turns ORDER BY rowid").fetchall()
    assert rows == [(0, 1), (0, 2)]


def test_practice_wraps_long_lines_at_word_boundaries(tmp_path):
    env = dict(os.environ, COLUMNS="50")
    out = run(
        "--data-dir", str(tmp_path), "practice", "surprise-deductible", "--seed", "1", "--name", "Ana", stdin="/hangup\n", env=env
    )
    lines = out.stdout.splitlines()
    assert max(len(x) for x in lines if not x.startswith("=")) <= 50
    words = set(out.stdout.split())
    assert "deductible" in " ".join(lines).replace("\n", " ")  # words arrive whole
    assert all(len(w) < 40 for w in words if set(w) != {"="})


def test_invalid_utf8_on_stdin_is_stored_with_a_marker_not_a_crash(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "--data-dir",
            str(tmp_path),
            "practice",
            "surprise-deductible",
            "--seed",
            "1",
            "--name",
            "Ana",
        ],
        input=b"Hello \xff\xfe there, can I have your date of birth?\n/hangup\n",
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    import sqlite3

    [(reply,)] = sqlite3.connect(tmp_path / "trainer.db").execute("SELECT reply FROM turns").fetchall()
    assert reply.startswith("Hello \ufffd") and "date of birth" in reply
