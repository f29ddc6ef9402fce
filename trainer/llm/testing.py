"""A tiny OpenAI-compatible server from the standard library, for tests, benchmarks and demos without
a model: it streams a set reply, or misbehaves on purpose (stall, HTTP error, cut-off stream, empty or
malformed answer). Runs in a thread on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

MODES = ("ok", "stall", "stall_mid", "status", "cut_off", "empty", "malformed", "no_models")


class FakeOpenAI:
    """with FakeOpenAI(reply="Hello there.") as fake: EndpointConfig(base_url=fake.base_url, ...)"""

    def __init__(
        self,
        mode: str = "ok",
        reply: str = "Hello, I got a bill I do not understand.",
        status: int = 500,
        stall: float = 30.0,
        models: tuple[str, ...] = ("fake-model",),
        chunk_words: int = 1,
        responder: Callable[[dict], str] | None = None,
    ):
        assert mode in MODES, mode
        self.mode, self.reply, self.status, self.stall = mode, reply, status, stall
        self.models, self.chunk_words, self.responder = models, chunk_words, responder
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self._stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                fake.headers.append(dict(self.headers))
                if self.path.rstrip("/").endswith("/models") and fake.mode != "no_models":
                    body = {
                        "object": "list",
                        "data": [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in fake.models],
                    }
                    return self._json(200, body)
                return self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                req = json.loads(self.rfile.read(n) or b"{}")
                fake.requests.append(req)
                fake.headers.append(dict(self.headers))
                if fake.mode == "status":
                    return self._json(
                        fake.status,
                        {"error": {"message": f"fake {fake.status}", "type": "fake"}},
                        {"Retry-After": "0"} if fake.status == 429 else None,
                    )
                if fake.mode == "stall":
                    fake._stop.wait(fake.stall)
                    return
                text = fake.responder(req) if fake.responder else fake.reply
                if not req.get("stream"):
                    return self._json(200, _completion(text))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                words = text.split(" ")
                pieces = [" ".join(words[i : i + fake.chunk_words]) for i in range(0, len(words), fake.chunk_words)]
                pieces = [p if i == 0 else " " + p for i, p in enumerate(pieces)]
                try:
                    if fake.mode == "malformed":
                        self._event('{"id": "x", "choices": [{"delta": {"content": "Hel')
                        self._event("this is not json")
                        return
                    if fake.mode == "empty":
                        self._event(json.dumps(_chunk(None, "stop")))
                        self._event("[DONE]")
                        return
                    for i, piece in enumerate(pieces):
                        if fake.mode == "cut_off" and i >= max(1, len(pieces) // 2):
                            self.wfile.flush()
                            self.connection.shutdown(2)  # the connection drops mid-reply
                            return
                        if fake.mode == "stall_mid" and i == max(1, len(pieces) // 2):
                            fake._stop.wait(fake.stall)
                            return
                        self._event(json.dumps(_chunk(piece, None)))
                    self._event(json.dumps(_chunk(None, "stop")))
                    self._event("[DONE]")
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass

            def _event(self, data: str) -> None:
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()

            def _json(self, code: int, body: dict, headers: dict | None = None) -> None:
                raw = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def _chunk(content: str | None, finish: str | None) -> dict:
    delta = {"role": "assistant", "content": content} if content is not None else {}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(text: str) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
