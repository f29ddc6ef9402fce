"""xAPI against a real Learning Record Store: Ralph (ralph-malph, file-system backend) on 127.0.0.1.

Ralph lives in its own virtual environment, .venv-lrs (its pinned click conflicts with sqlite-utils):
`bash scripts/lrs-server.sh` installs it. Without it these tests are skipped and say so.
"""

import base64
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from classroom import play
from trainer.store.xapi import VERBS, LRSClient, Outbox, send_now, session_statements, statement_id

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("LRS_VENV", ROOT / ".venv-lrs"))
USER, PASSWORD, KEY_ENV = "trainer", "s3cret-for-tests", "TRAINER_TEST_LRS_KEY"
ENV = {KEY_ENV: PASSWORD}

pytestmark = pytest.mark.skipif(
    not (VENV / "bin" / "ralph").exists(),
    reason=f"Ralph (ralph-malph 5.1.0) is not installed in {VENV}: run bash scripts/lrs-server.sh",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ralph:
    """scripts/lrs-server.sh --run on a free port, statements and credentials in a temporary folder."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI/"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "LRS_USER": USER, "LRS_PASSWORD": PASSWORD, "LRS_VENV": str(VENV)}
        self.log = open(self.folder.parent / f"ralph-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "lrs-server.sh"), "--run", str(self.folder), str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph stopped at start: see {self.log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Ralph did not answer within 60 s: see {self.log.name}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: the script's exec'd server
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.process = None
        self.log.close()

    def get(self, **params) -> dict | None:
        """GET /xAPI/statements with these query parameters (None for a statement it does not hold)."""
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(
            f"{self.url}statements?{urllib.parse.urlencode(params)}",
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise

    def statement(self, statement_id: str) -> dict | None:
        """One statement by id (Ralph answers with a list of one; the xAPI spec, with the statement)."""
        got = self.get(statementId=statement_id)
        if got is not None and "statements" in got:
            return got["statements"][0] if got["statements"] else None
        return got

    def registration(self, session_id: str) -> list[dict]:
        return self.get(registration=session_id, limit=1000)["statements"]


@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    saved = {v: os.environ.pop(v) for v in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY") if v in os.environ}
    server = Ralph(tmp_path_factory.mktemp("ralph") / "lrs")
    server.start()
    try:
        yield server
    finally:
        server.stop()
        os.environ.update(saved)


def test_statements_are_stored_read_back_and_a_second_send_keeps_one(ralph, store, library, tmp_path):
    a = play(store, library, "Dana Lee", seed=1)
    b = play(store, library, "Eli Cruz", "collector-dispute", seed=2, breach=True)
    outbox = Outbox(tmp_path / "outbox")
    result = send_now(store, outbox, ralph.url, KEY_ENV, user=USER, environ=ENV)
    assert result.ok and result.queued_sessions == 2 and outbox.pending() == [], result.summary()
    for sid in (a, b):
        expected = session_statements(store, sid)
        held = {st["id"]: st for st in ralph.registration(sid)}
        assert set(held) == {st["id"] for st in expected}
        for st in expected:
            got = ralph.statement(st["id"])
            assert got["verb"] == st["verb"] and got["result"] == st["result"] and got["object"] == st["object"]
    # the same statements again (a copy of the outbox): accepted, and the LRS still holds one of each
    outbox.enqueue(session_statements(store, a))
    assert outbox.flush(LRSClient(ralph.url, USER, PASSWORD)).ok
    assert len(ralph.registration(a)) == len(session_statements(store, a))


def test_an_override_is_sent_with_new_ids_and_the_old_statements_are_voided(ralph, store, library, tmp_path):
    sid = play(store, library, "Fay Ng", seed=3)
    outbox = Outbox(tmp_path / "outbox")
    assert send_now(store, outbox, ralph.url, KEY_ENV, user=USER, environ=ENV).ok
    before = session_statements(store, sid, include_turns=False)
    verdict = before[1]["verb"]["display"]["en-US"]
    value = 20 if verdict == "passed" else 95
    store.add_annotation(sid, "supervisor", "override", "listened to the call", dimension="overall", value=value)
    if verdict == "failed":  # a blocker or a low dimension may still stand: clear them too
        for dim in ("empathy", "clarity", "compliance"):
            store.add_annotation(sid, "supervisor", "override", "listened to the call", dimension=dim, value=95)
    result = send_now(store, outbox, ralph.url, KEY_ENV, user=USER, environ=ENV)
    assert result.ok and result.queued_sessions == 1, result.summary()
    after = session_statements(store, sid, include_turns=False)
    assert after[1]["verb"]["display"]["en-US"] != verdict and after[0]["result"]["score"]["raw"] == value
    for old, new in zip(before, after):
        assert new["id"] != old["id"] and ralph.statement(new["id"])["result"]["score"]["raw"] == value
        void = ralph.statement(statement_id("void", old["id"]))
        assert void["verb"]["id"] == VERBS["voided"]
        assert void["object"] == {"objectType": "StatementRef", "id": old["id"]}
    # sending again queues nothing more
    assert send_now(store, outbox, ralph.url, KEY_ENV, user=USER, environ=ENV).queued_sessions == 0


def test_the_outbox_keeps_statements_while_the_lrs_is_down_and_delivers_them_once(ralph, store, library, tmp_path):
    outbox = Outbox(tmp_path / "outbox")
    ralph.stop()
    try:
        sid = play(store, library, "Gus Park", seed=4)
        down = send_now(store, outbox, ralph.url, KEY_ENV, user=USER, environ=ENV, retries=1, timeout=2)
        assert "could not be reached" in down.error and down.remaining == 1 and down.queued_sessions == 1
        later = play(store, library, "Hana Ito", "collector-dispute", seed=5)
        down = send_now(store, outbox, ralph.url, KEY_ENV, user=USER, environ=ENV, retries=0, timeout=2)
        assert down.remaining == 2
    finally:
        ralph.start()
    result = send_now(store, outbox, ralph.url, KEY_ENV, user=USER, environ=ENV)
    assert result.ok and result.sent_batches == 2 and outbox.pending() == []
    for s in (sid, later):
        assert sorted(st["id"] for st in ralph.registration(s)) == sorted(st["id"] for st in session_statements(store, s))


def test_statements_the_lrs_rejects_stay_in_the_outbox_with_its_reason(ralph, store, library, tmp_path):
    sid = play(store, library, "Ivo Diaz", seed=6)
    outbox = Outbox(tmp_path / "outbox")
    assert send_now(store, outbox, ralph.url, KEY_ENV, user=USER, environ=ENV).ok
    first = session_statements(store, sid)[0]
    outbox.enqueue([dict(first, timestamp="2020-01-01T00:00:00+00:00")])  # same id, other content
    outbox.enqueue([{k: v for k, v in first.items() if k != "actor"} | {"id": statement_id("no actor")}])
    result = outbox.flush(LRSClient(ralph.url, USER, PASSWORD))
    assert result.error is None and len(result.rejected) == 2 and outbox.pending() == []
    assert result.reasons[0].startswith("HTTP 409: Differing statements already exist with the same ID")
    assert result.reasons[1].startswith("HTTP 4") and "actor: Field required" in result.reasons[1]  # Ralph: 422
    status = outbox.status()
    assert status.rejected == 2 and "actor" in status.last_reason
    assert ralph.statement(statement_id("no actor")) is None


def test_wrong_credentials_keep_the_statements_queued(ralph, store, library, tmp_path):
    play(store, library, "Jo Kim", seed=7)
    outbox = Outbox(tmp_path / "outbox")
    result = send_now(store, outbox, ralph.url, KEY_ENV, user=USER, environ={KEY_ENV: "wrong"})
    assert "refused the credentials (HTTP 401" in result.error and result.remaining == 1
