"""The HTTP layer under the openai client, bounded: a reply can be stopped from another thread (its
socket is shut down, so a blocked read returns at once and the server sees the client leave), no
compressed body is accepted (a gzip bomb never inflates), and a body or one SSE line that grows past
its cap is cut off with an error instead of growing memory."""

from __future__ import annotations

import socket
import threading
from typing import Iterator

import httpx2

MAX_RESPONSE_BYTES = 2_000_000  # a patient line or a verdict streams in a few kB; 2 MB is a broken server
MAX_LINE_BYTES = 64_000  # one SSE event; an endless line is cut here

_current = threading.local()  # the Cancel of the request this thread is making


class ResponseTooLarge(Exception):
    """The body or one of its lines passed its cap."""


class CompressedResponse(Exception):
    """The server compressed the body although we asked for identity."""


class Cancelled(Exception):
    """The request was cancelled before it was sent."""


class Cancel:
    """Stops one request from any thread: before it connects, while it waits, or mid-stream."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.cancelled = False

    def trace(self, name: str, info: dict) -> None:
        """httpcore's trace hook: keep the socket of each new connection."""
        if not name.endswith("connect_tcp.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            late = self.cancelled
        if late:
            _shut(sock)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def __enter__(self) -> "Cancel":
        _current.cancel = self
        return self

    def __exit__(self, *exc) -> None:
        _current.cancel = None


def _shut(sock: socket.socket) -> None:
    # shutdown, not close: it wakes a read blocked in another thread, and the peer sees the end.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _BoundedStream(httpx2.SyncByteStream):
    def __init__(self, inner: httpx2.SyncByteStream, max_bytes: int, max_line: int):
        self._inner, self._max_bytes, self._max_line = inner, max_bytes, max_line

    def __iter__(self) -> Iterator[bytes]:
        total = line = 0
        for chunk in self._inner:
            total += len(chunk)
            if total > self._max_bytes:
                raise ResponseTooLarge(f"the answer passed {self._max_bytes:,} bytes")
            cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
            line = len(chunk) - cut - 1 if cut >= 0 else line + len(chunk)
            if line > self._max_line:
                raise ResponseTooLarge(f"one line of the answer passed {self._max_line:,} bytes")
            yield chunk

    def close(self) -> None:
        self._inner.close()


class BoundedTransport(httpx2.BaseTransport):
    """One fresh connection per request (so its socket is known and can be shut down), identity
    encoding only, and capped bodies."""

    def __init__(self, max_bytes: int = MAX_RESPONSE_BYTES, max_line: int = MAX_LINE_BYTES):
        self._inner = httpx2.HTTPTransport(limits=httpx2.Limits(max_keepalive_connections=0), retries=0)
        self.max_bytes, self.max_line = max_bytes, max_line

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        cancel: Cancel | None = getattr(_current, "cancel", None)
        if cancel is not None:
            if cancel.cancelled:
                raise Cancelled("the request was cancelled")
            request.extensions = {**request.extensions, "trace": cancel.trace}
        request.headers["Accept-Encoding"] = "identity"
        response = self._inner.handle_request(request)
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            response.close()
            raise CompressedResponse(f"the server sent a {encoding}-compressed answer")
        assert isinstance(response.stream, httpx2.SyncByteStream)  # the answer of a sync transport
        response.stream = _BoundedStream(response.stream, self.max_bytes, self.max_line)
        return response

    def close(self) -> None:
        self._inner.close()


def bounded_http_client(timeout: float) -> httpx2.Client:
    return httpx2.Client(transport=BoundedTransport(), timeout=timeout, follow_redirects=False)
