"""Crash safety: a real call in another process, killed with SIGKILL at random points, 20 times.

Every reply the process acknowledged (its score was printed, which happens only after the turn
is committed) must be in the database afterwards; the next start finds the run ended badly,
checks the file, marks the call interrupted, and the call can be reviewed turn by turn.
"""

import os
import queue
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from trainer.session import CallSession
from trainer.store.store import Store

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "surprise-deductible"
KILLS = 20

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


def model_path(library, seed: int) -> list[str]:
    """The replies of a whole call answered with the model answers (the same path the process will take)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "t.db")
        call = CallSession(library.get(SCENARIO), store, store.sign_in("Kim"), seed=seed)
        line, replies = call.open(), []
        while not call.finished:
            replies.append(line.model_answer)
            line = call.submit(line.model_answer).patient
        store.close()
    return replies


class Practice:
    """`main.py practice` in its own process, fed replies through a pipe; its output read line by line."""

    def __init__(self, data_dir: Path, seed: int):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "--data-dir",
                str(data_dir),
                "practice",
                SCENARIO,
                "--seed",
                str(seed),
                "--name",
                "Kim",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, words: str, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.01, end - time.monotonic()))
            if line is None:
                raise AssertionError(f"the process ended early: {self.proc.stderr.read()}")
            if words in line:
                return

    def send(self, reply: str) -> None:
        self.proc.stdin.write(reply + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()  # reaped: its pid is gone, as after a real crash
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass


def test_every_acknowledged_turn_survives_sigkill_20_times(tmp_path, library):
    rng = random.Random(20261122)
    seed = 5
    replies = model_path(library, seed)
    assert len(replies) >= 3
    passed = 0
    for round_ in range(KILLS):
        call = Practice(tmp_path, seed)
        call.wait_for("PATIENT:")  # the session is committed before the first line is shown
        acknowledged = rng.randrange(0, len(replies) - 1)
        for reply in replies[:acknowledged]:
            call.send(reply)
            call.wait_for("overall")  # the score is printed only after the turn is committed
        in_flight = rng.random() < 0.6
        if in_flight:  # kill while the next reply is being scored and stored, at a random moment
            call.send(replies[acknowledged])
        time.sleep(rng.choice((rng.uniform(0, 0.005), rng.uniform(0, 0.04))))  # mid-write, or a little later
        call.kill()

        store = Store(tmp_path / "trainer.db")
        [sid] = [r[0] for r in store.db.execute("SELECT id FROM sessions WHERE status = 'active'")]
        assert store.begin_run() is True, f"round {round_}: the kill was not noticed"
        assert store.integrity == "ok"
        assert store.session(sid)["status"] == "interrupted"
        turns = store.turns(sid)
        stored = [t.reply for t in turns]
        assert acknowledged <= len(stored) <= acknowledged + int(in_flight), (round_, acknowledged, len(stored))
        assert stored == replies[: len(stored)]  # in order, nothing half-written
        assert all(t.overall is not None and t.score is not None for t in turns)  # each turn with its score
        store.end_run()
        store.close()
        passed += 1
    assert passed == KILLS
    final = Store(tmp_path / "trainer.db")
    assert final.begin_run() is False  # every crash was dealt with once
    assert final.db.execute("SELECT COUNT(*) FROM sessions WHERE status = 'interrupted'").fetchone()[0] == KILLS
    final.close()
