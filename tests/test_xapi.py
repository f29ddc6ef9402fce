"""xAPI statements for finished calls, written to a file or sent to a Learning Record Store (a small one on
127.0.0.1, run by these tests), with an outbox that keeps them while the LRS cannot be reached."""

import base64
import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from classroom import play
from trainer.store.xapi import (
    VERBS,
    LRSClient,
    LRSError,
    Outbox,
    queue_finished_sessions,
    send_now,
    session_statements,
    write_statements,
)
from trainer.store.xapi_lrs import ERROR_BODY_LIMIT, credentials_from_env, lrs_reason

USER, PASSWORD = "trainer", "s3cret"


class LRS:
    """A tiny LRS: POST /xapi/statements with basic auth; keeps statements by id; can be told to fail."""

    def __init__(self):
        self.statements: dict[str, dict] = {}
        self.requests = 0
        self.fail_next = 0  # answer 503 to this many requests
        self.reject_with: tuple[int, bytes] | None = None  # answer every POST with this
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, code, body=b""):
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                lrs.requests += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if self.path != "/xapi/statements":
                    return self.reply(404)
                if self.headers.get("Authorization") != expected:
                    return self.reply(401, b'{"error": "bad credentials"}')
                if self.headers.get("X-Experience-API-Version") != "1.0.3":
                    return self.reply(400, b'{"error": "version header"}')
                if lrs.reject_with:
                    return self.reply(*lrs.reject_with)
                if lrs.fail_next:
                    lrs.fail_next -= 1
                    return self.reply(503)
                batch = json.loads(body)
                for st in batch:
                    if st["id"] in lrs.statements and lrs.statements[st["id"]] != st:
                        return self.reply(409, b'{"error": "conflicting statement"}')
                for st in batch:
                    lrs.statements[st["id"]] = st
                self.reply(200, json.dumps([st["id"] for st in batch]).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def lrs(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(var, raising=False)
    server = LRS()
    yield server
    server.stop()


def free_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/xapi/"


def test_a_finished_call_becomes_statements_with_actor_verb_object_result_and_context(store, library):
    sid = play(store, library, "Dana Lee", seed=1)
    session = store.session(sid)
    statements = session_statements(store, sid)
    turns = store.turns(sid)
    assert len(statements) == 2 + len(turns)
    done, outcome, *answered = statements
    assert done["verb"]["id"] == VERBS["completed" if session["status"] == "completed" else "terminated"]
    assert outcome["verb"]["id"] == VERBS["passed" if session["overall"] >= 70 else "failed"]
    assert done["actor"] == {
        "objectType": "Agent",
        "name": "Dana Lee",
        "account": {"homePage": "https://billing-trainer.invalid", "name": session["trainee_id"]},
    }
    assert done["object"]["id"].endswith("/scenarios/surprise-deductible")
    assert done["object"]["definition"]["name"]["en-US"] == session["scenario_title"]
    score = done["result"]["score"]
    assert score == {"scaled": session["overall"] / 100, "raw": session["overall"], "min": 0, "max": 100}
    assert done["result"]["duration"].startswith("PT") and done["timestamp"] == session["ended_at"]
    ext = done["context"]["extensions"]
    assert ext["https://billing-trainer.invalid/xapi/extensions/rubric-version"] == session["rubric_version"]
    assert ext["https://billing-trainer.invalid/xapi/extensions/scenario-id"] == "surprise-deductible"
    assert done["context"]["registration"] == sid
    assert {c["id"].rsplit("/", 1)[1] for c in done["context"]["contextActivities"]["category"]} == set(
        library.get("surprise-deductible").scenario.crcr_topics
    )
    first = answered[0]
    assert first["verb"]["id"] == VERBS["answered"] and first["result"]["response"] == turns[0].reply
    assert first["result"]["score"]["scaled"] == turns[0].overall / 100
    assert first["context"]["contextActivities"]["parent"][0]["id"] == done["object"]["id"]
    assert all(uuid.UUID(st["id"]) for st in statements) and len({st["id"] for st in statements}) == len(statements)
    assert session_statements(store, sid) == statements  # the same ids every time


def test_calls_not_finished_give_no_statements_and_blocked_calls_fail(store, library):
    active = play(store, library, "Dana", replies=1, finish=False)
    assert session_statements(store, active) == []
    blocked = play(store, library, "Eli", "collector-dispute", breach=True)
    outcome = session_statements(store, blocked, include_turns=False)[1]
    assert outcome["verb"]["id"] == VERBS["failed"] and outcome["result"]["success"] is False


def test_statements_are_written_to_a_file(store, library, tmp_path):
    play(store, library, "Dana", seed=1)
    play(store, library, "Eli", "collector-dispute", seed=2)
    play(store, library, "Fay", replies=1, finish=False)
    n = write_statements(store, tmp_path / "statements.json", include_turns=False, iri_base="https://lms.example.org/")
    data = json.loads((tmp_path / "statements.json").read_text())
    assert n == len(data) == 4
    assert all(st["object"]["id"].startswith("https://lms.example.org/scenarios/") for st in data)


def test_statements_reach_the_lrs_with_basic_auth_and_a_second_send_is_harmless(store, library, lrs, tmp_path):
    play(store, library, "Dana", seed=1)
    play(store, library, "Eli", "collector-dispute", seed=2)
    outbox = Outbox(tmp_path / "outbox")
    assert queue_finished_sessions(store, outbox) == 2
    assert queue_finished_sessions(store, outbox) == 0  # already queued
    expected = outbox.pending_statements()
    result = outbox.flush(LRSClient(lrs.url, USER, PASSWORD))
    assert result.error is None and result.sent_statements == expected == len(lrs.statements)
    assert outbox.pending() == []
    # the same statements again (e.g. a copy of the outbox): the LRS keeps one of each
    outbox.enqueue(list(lrs.statements.values()))
    assert outbox.flush(LRSClient(lrs.url, USER, PASSWORD)).error is None
    assert len(lrs.statements) == expected


def test_while_the_lrs_is_offline_statements_wait_in_the_outbox(store, library, lrs, tmp_path):
    play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    queue_finished_sessions(store, outbox)
    offline = LRSClient(free_port_url(), USER, PASSWORD, retries=2, backoff=0.01, timeout=2)
    result = outbox.flush(offline)
    assert "could not be reached after 3 tries" in result.error and result.remaining == 1
    # a later call is queued behind it; when the LRS is back, both go, oldest first
    play(store, library, "Eli", "collector-dispute", seed=2)
    queue_finished_sessions(store, outbox)
    assert len(outbox.pending()) == 2
    result = outbox.flush(LRSClient(lrs.url, USER, PASSWORD))
    assert result.error is None and result.sent_batches == 2 and outbox.pending() == []


def test_a_busy_lrs_is_retried(store, library, lrs, tmp_path):
    play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    queue_finished_sessions(store, outbox)
    lrs.fail_next = 2
    result = outbox.flush(LRSClient(lrs.url, USER, PASSWORD, retries=3, backoff=0.01))
    assert result.error is None and result.sent_batches == 1 and lrs.requests == 3


def test_wrong_credentials_keep_the_statements_queued(store, library, lrs, tmp_path):
    play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    queue_finished_sessions(store, outbox)
    result = outbox.flush(LRSClient(lrs.url, USER, "wrong"))
    assert "refused the credentials (HTTP 401: bad credentials)" in result.error and result.remaining == 1 and lrs.requests == 1


def test_a_batch_the_lrs_rejects_is_set_aside_and_the_rest_goes(store, library, lrs, tmp_path):
    play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    queue_finished_sessions(store, outbox)
    sent = json.loads(outbox.pending()[0].read_text())
    outbox.flush(LRSClient(lrs.url, USER, PASSWORD))
    changed = dict(sent[0], timestamp="2020-01-01T00:00:00+00:00")  # same id, other content: 409
    outbox.enqueue([changed])
    play(store, library, "Eli", "collector-dispute", seed=2)
    queue_finished_sessions(store, outbox)
    (outbox.folder / "00000000-broken.json").write_text("{not json")
    result = outbox.flush(LRSClient(lrs.url, USER, PASSWORD))
    assert len(result.rejected) == 2 and result.error is None and result.sent_batches == 1
    reasons = " | ".join(p.with_name(p.name + ".reason.txt").read_text() for p in result.rejected)
    assert "HTTP 409" in reasons and "could not be read" in reasons
    assert outbox.pending() == []


def test_a_call_finished_again_is_queued_again(store, library, tmp_path):
    sid = play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    assert queue_finished_sessions(store, outbox) == 1
    store.db.execute("UPDATE sessions SET ended_at = '2999-01-01T00:00:00.000+00:00' WHERE id = ?", [sid])
    store.db.conn.commit()
    assert queue_finished_sessions(store, outbox) == 1


def test_only_http_endpoints_are_accepted():
    with pytest.raises(ValueError, match="http"):
        LRSClient("file:///etc/passwd")
    assert LRSClient("https://lrs.example.org/xapi/").url == "https://lrs.example.org/xapi/statements"
    assert LRSClient("https://lrs.example.org/xapi/statements").url == "https://lrs.example.org/xapi/statements"


def test_lrs_errors_say_what_to_do():
    err = LRSError("x", "offline")
    assert err.kind == "offline"


def test_a_rejection_keeps_the_lrs_reason_read_within_a_bound(store, library, lrs, tmp_path):
    sid = play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    queue_finished_sessions(store, outbox)
    huge = b'{"detail": "statement 0: actor is missing' + b"x" * (4 * ERROR_BODY_LIMIT) + b'"}'
    lrs.reject_with = (400, huge)
    result = outbox.flush(LRSClient(lrs.url, USER, PASSWORD))
    assert len(result.rejected) == 1 and result.error is None and outbox.pending() == []
    # the body was cut at the bound, so it is no longer JSON: its text is shown, shortened
    assert result.reasons[0].startswith('HTTP 400: {"detail": "statement 0: actor is missing')
    assert len(result.reasons[0]) < 2100 and "rejected 1 batch(es)" in result.summary()
    status = outbox.status()
    assert status.rejected == 1 and status.last_reason.startswith("HTTP 400") and status.batches == 0
    lrs.reject_with = None
    assert outbox.retry_rejected() == 1 and outbox.flush(LRSClient(lrs.url, USER, PASSWORD)).ok
    assert outbox.status().rejected == 0 and len(lrs.statements) == 2 + len(store.turns(sid))


def test_the_lrs_reason_is_read_from_json_or_text():
    assert lrs_reason(b'{"detail": "Differing statements already exist"}') == "Differing statements already exist"
    detail = b'{"detail": [{"loc": ["body", 0, "actor"], "msg": "Field required"}]}'
    assert lrs_reason(detail) == "0.actor: Field required"
    assert lrs_reason(b"<html> bad\n  gateway </html>") == "<html> bad gateway </html>"


def test_a_wrong_address_keeps_everything_queued(store, library, lrs, tmp_path):
    play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    queue_finished_sessions(store, outbox)
    result = outbox.flush(LRSClient(lrs.url.replace("/xapi/", "/elsewhere/"), USER, PASSWORD))
    assert "not an LRS statements address (HTTP 404)" in result.error and result.remaining == 1 and not result.rejected


def test_the_key_comes_from_the_named_environment_variable():
    assert credentials_from_env("LRS_KEY", "trainer", {"LRS_KEY": "s:3"}) == ("trainer", "s:3")
    assert credentials_from_env("LRS_KEY", "", {"LRS_KEY": "key:se:cret"}) == ("key", "se:cret")
    with pytest.raises(ValueError, match="LRS_KEY .*is not set"):
        credentials_from_env("LRS_KEY", "trainer", {})
    with pytest.raises(ValueError, match="not an environment variable name"):
        credentials_from_env("LRS KEY; rm", "trainer", {})


def test_send_now_queues_and_sends_with_the_key_from_the_environment(store, library, lrs, tmp_path):
    play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    missing = send_now(store, outbox, lrs.url, "LRS_TEST_KEY", user=USER, environ={})
    assert "LRS_TEST_KEY" in missing.error and lrs.requests == 0
    assert "no LRS endpoint" in send_now(store, outbox, " ", "LRS_TEST_KEY", environ={}).error
    result = send_now(store.path, outbox, lrs.url, "LRS_TEST_KEY", user=USER, environ={"LRS_TEST_KEY": PASSWORD})
    assert result.ok and result.queued_sessions == 1 and result.sent_statements == len(lrs.statements) > 2
    assert "Sent" in result.summary() and outbox.pending() == []


def test_an_override_sends_corrected_statements_and_voids_the_old_ones(store, library, lrs, tmp_path):
    sid = play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    client = LRSClient(lrs.url, USER, PASSWORD)
    queue_finished_sessions(store, outbox)
    assert outbox.flush(client).ok
    before = {st["id"]: st for st in lrs.statements.values()}
    old_verdict = next(st for st in before.values() if st["verb"]["display"]["en-US"] in ("passed", "failed"))
    new_value = 20 if old_verdict["verb"]["display"]["en-US"] == "passed" else 95
    store.add_annotation(sid, "supervisor", "override", "reviewed the call", dimension="overall", value=new_value)
    assert queue_finished_sessions(store, outbox) == 1
    assert queue_finished_sessions(store, outbox) == 0  # the same overrides are not queued twice
    assert outbox.flush(client).ok
    voids = [st for st in lrs.statements.values() if st["verb"]["id"] == VERBS["voided"]]
    voided = {st["object"]["id"] for st in voids}
    # the call's two statements changed (new ids); its replies did not, so they are not voided
    assert len(voids) == 2 and old_verdict["id"] in voided and voided <= set(before)
    assert all(st["object"]["objectType"] == "StatementRef" for st in voids)
    now_ = [st for st in session_statements(store, sid, include_turns=False)]
    assert {st["id"] for st in now_}.isdisjoint(before) and now_[0]["result"]["score"]["raw"] == new_value
    assert now_[1]["verb"]["display"]["en-US"] != old_verdict["verb"]["display"]["en-US"]
    ext = now_[0]["result"]["extensions"]
    assert ext["https://billing-trainer.invalid/xapi/extensions/overrides"] == {"overall": new_value}


def test_the_lrs_panel_sends_in_the_background_and_shows_the_outbox_and_the_result(
    qtbot, store, library, lrs, tmp_path, monkeypatch
):
    from trainer.ui.lrs_panel import LRSPanel, LRSSettings

    play(store, library, "Dana", seed=1)
    outbox = Outbox(tmp_path / "outbox")
    outbox.enqueue([{"id": "not-a-statement"}])
    lrs.reject_with = (400, b'{"detail": "statement id is not a UUID"}')
    outbox.flush(LRSClient(lrs.url, USER, PASSWORD))
    lrs.reject_with = None
    saved = []
    monkeypatch.setenv("PANEL_TEST_KEY", PASSWORD)
    panel = LRSPanel(
        LRSSettings("", USER, "PANEL_TEST_KEY"),
        saved.append,
        lambda s: send_now(store.path, outbox, s.endpoint, s.key_env, user=s.user),
        outbox.status,
        outbox.retry_rejected,
    )
    qtbot.addWidget(panel)
    assert "1 batch(es) rejected by the LRS; its reason: HTTP 400: statement id is not a UUID" in panel.outbox_label.text()
    panel.send_now()
    assert "Enter the LRS endpoint" in panel.result_label.text() and saved == []
    panel.endpoint.setText(lrs.url)
    panel.send_now()
    qtbot.waitUntil(lambda: panel.send_button.isEnabled(), timeout=20000)
    assert panel.result_label.text().startswith("Sent ") and len(lrs.statements) > 2, panel.result_label.text()
    assert saved == [LRSSettings(lrs.url, USER, "PANEL_TEST_KEY")]
    assert "Outbox: 0 batch(es), 0 statement(s) waiting." in panel.outbox_label.text()
