"""A hostile or broken server cannot grow the app's memory or outlive the deadline: an endless SSE line,
an endless stream of small lines, a gzip bomb and a trickle that never ends each end in an LLMError
within the deadline, with memory a few MB at most, no reader thread left running, and the server seeing
the client leave. The servers are written here, on 127.0.0.1."""

import gzip
import json
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from trainer.llm import EndpointConfig, LLMClient, LLMError

DEADLINE = 1.5
MB = 1024 * 1024


def _chunk(text):
    return json.dumps(
        {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
        }
    )


class Hostile:
    """A server whose POST handler is `behaviour(handler)`; it records when the client went away."""

    def __init__(self, behaviour):
        self.client_left_at = None
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    behaviour(self)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    hostile.client_left_at = time.monotonic()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def sse_headers(h, extra=None):
    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream")
    for k, v in (extra or {}).items():
        h.send_header(k, v)
    h.end_headers()


def endless_line(h):
    sse_headers(h)
    h.wfile.write(b"data: ")
    block = b"a" * 16384
    end = time.monotonic() + 20
    while time.monotonic() < end:
        h.wfile.write(block)


def endless_small_lines(h):
    sse_headers(h)
    block = b": keep-alive\n" * 2000
    end = time.monotonic() + 20
    while time.monotonic() < end:
        h.wfile.write(block)


BOMB = gzip.compress(("data: " + _chunk("x" * 100) + "\n\n").encode() * 200_000)  # ~30 MB inflated


def gzip_bomb(h):
    sse_headers(h, {"Content-Encoding": "gzip", "Content-Length": str(len(BOMB))})
    h.wfile.write(BOMB)


def trickle(h):
    sse_headers(h)
    end = time.monotonic() + 20
    while time.monotonic() < end:  # a word every 0.2 s, never finished
        h.wfile.write(f"data: {_chunk(' word')}\n\n".encode())
        h.wfile.flush()
        time.sleep(0.2)


def stall_then_nothing(h):
    time.sleep(20)


@pytest.mark.parametrize(
    "behaviour,kinds",
    [
        (endless_line, {"too_large"}),
        (endless_small_lines, {"too_large", "timeout"}),  # slow to parse under tracemalloc: either bound
        (gzip_bomb, {"malformed"}),
        (trickle, {"timeout"}),
        (stall_then_nothing, {"timeout", "slow_start"}),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_a_hostile_stream_is_bounded_in_memory_time_and_threads(behaviour, kinds):
    server = Hostile(behaviour)
    client = LLMClient(EndpointConfig(base_url=server.base_url, model="m", timeout=DEADLINE, max_retries=0))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        t0 = time.monotonic()
        with pytest.raises(LLMError) as e:
            for _ in client.stream([{"role": "user", "content": "hi"}]):
                pass
        took = time.monotonic() - t0
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert e.value.kind in kinds, (e.value.kind, str(e.value))
    assert took < DEADLINE + 0.3, took
    assert peak < 6 * MB, f"peak {peak / MB:.1f} MB"
    for _ in range(50):  # the reader thread ends with the request, not when the server gives up
        if not any(t.name == "llm-stream" and t.is_alive() for t in threading.enumerate()):
            break
        time.sleep(0.02)
    assert not any(t.name == "llm-stream" and t.is_alive() for t in threading.enumerate())
    if behaviour in (endless_line, endless_small_lines, trickle):  # the server saw the client go
        for _ in range(50):
            if server.client_left_at:
                break
            time.sleep(0.02)
        assert server.client_left_at and server.client_left_at - t0 < DEADLINE + 1.0
    client.close()
    server.close()


def test_no_first_word_in_time_gives_up_early_and_says_so():
    server = Hostile(stall_then_nothing)
    client = LLMClient(EndpointConfig(base_url=server.base_url, model="m", timeout=5.0, max_retries=0))
    t0 = time.monotonic()
    with pytest.raises(LLMError) as e:
        list(client.stream([{"role": "user", "content": "hi"}], first_token_timeout=0.4))
    assert e.value.kind == "slow_start" and "0.4" in str(e.value)
    assert time.monotonic() - t0 < 0.8
    client.close()
    server.close()


def test_stop_sequences_and_the_token_cap_reach_the_server():
    from trainer.llm.client import PATIENT_STOPS
    from trainer.llm.testing import FakeOpenAI

    with FakeOpenAI(reply="Fine.") as fake:
        client = LLMClient(EndpointConfig(base_url=fake.base_url, model="m", timeout=2))
        assert client.complete([{"role": "user", "content": "hi"}], max_tokens=40, stop=PATIENT_STOPS) == "Fine."
        req = fake.requests[-1]
        headers = fake.headers[-1]
        client.close()
    assert req["stop"] == list(PATIENT_STOPS) and len(req["stop"]) <= 4 and req["max_tokens"] == 40
    assert "\n" in req["stop"]
    assert headers.get("Accept-Encoding") == "identity"  # never a compressed body
