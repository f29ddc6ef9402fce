"""The openai client with a hard deadline and bounded retries, as a streaming generator.

`LLMClient.stream(messages)` yields text pieces as the server sends them and raises `LLMError`
(with a `kind`) for every failure: refused connection, timeout, no first word in time, HTTP error,
malformed, oversized or cut-off stream, empty answer. The whole reply, retries included, never takes
longer than `config.timeout` (plus a few milliseconds): the HTTP read runs in a worker thread and the
caller waits on a queue. When the caller stops (deadline, guard, done) the request's socket is shut
down, so the worker ends at once and the server stops generating for a listener who left.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import TYPE_CHECKING, Any, Iterator

import openai

from .endpoint import EndpointConfig
from .transport import Cancel, Cancelled, CompressedResponse, ResponseTooLarge, bounded_http_client

if TYPE_CHECKING:
    from .prompt import Message

_DONE = object()
RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}
# OpenAI takes at most four stop sequences; these end a patient's line before a second speaker starts.
PATIENT_STOPS = ("\n", "Trainee:", "Billing:", "Patient:")


class LLMError(Exception):
    """kind: refused | timeout | slow_start | http | rate_limited | malformed | too_large | cut_off | empty | auth."""

    def __init__(self, kind: str, message: str, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status


class LLMClient:
    def __init__(self, config: EndpointConfig):
        self.config = config
        self._http = bounded_http_client(config.timeout)
        # max_retries=0: retries are ours, bounded and inside the deadline.
        self._client = openai.OpenAI(
            base_url=config.base_url, api_key=config.key_for_client, timeout=config.timeout, max_retries=0, http_client=self._http
        )

    def close(self) -> None:
        self._client.close()
        self._http.close()

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 120,
        temperature: float = 0.7,
        seed: int | None = None,
        deadline: float | None = None,
        response_format: dict | None = None,
        stop: tuple[str, ...] | list[str] | None = None,
        first_token_timeout: float | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        """Yield the reply's text pieces. Retries (bounded) only before the first piece arrived.
        With `first_token_timeout`, a reply whose first piece has not come by then is abandoned.
        `extra`: fields outside OpenAI's own (a grammar), sent as they are."""
        now = time.monotonic()
        deadline = deadline if deadline is not None else now + self.config.timeout
        first_by = deadline if first_token_timeout is None else min(deadline, now + first_token_timeout)
        request = dict(
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            response_format=response_format,
            stop=list(stop) if stop else None,
            first_wait=first_token_timeout,
            extra=extra,
        )
        attempt = 0
        while True:
            got_any = False
            try:
                for piece in self._one_stream(messages, request, deadline, first_by):
                    got_any = True
                    yield piece
                return
            except LLMError as e:
                retryable = e.kind in ("refused", "rate_limited") or (e.kind == "http" and e.status in RETRYABLE_STATUS)
                attempt += 1
                if got_any or not retryable or attempt > self.config.max_retries:
                    raise
                pause = min(0.25 * attempt, 1.0)
                if time.monotonic() + pause >= first_by:
                    raise
                time.sleep(pause)

    def complete(self, messages: list[Message], **kw: Any) -> str:
        return "".join(self.stream(messages, **kw))

    def warm_up(self, timeout: float | None = None, system: str = "") -> float:
        """One tiny request, so the first real line does not pay for loading the weights (nor, given the
        start every call's system prompt shares, for reading it). Returns the seconds it took; raises
        LLMError on failure."""
        t0 = time.monotonic()
        self.complete(
            [*([{"role": "system", "content": system}] if system else []), {"role": "user", "content": "Hi"}],
            max_tokens=1,
            temperature=0.0,
            deadline=t0 + (timeout or max(self.config.timeout, 60.0)),
        )
        return time.monotonic() - t0

    # -- one attempt -------------------------------------------------------------------------
    def _one_stream(self, messages: list[Message], request: dict[str, Any], deadline: float, first_by: float) -> Iterator[str]:
        q: queue.SimpleQueue = queue.SimpleQueue()
        stop = threading.Event()
        cancel = Cancel()

        def work() -> None:
            try:
                kwargs = dict(
                    model=self.config.model or "default",
                    messages=messages,
                    stream=True,
                    max_tokens=request["max_tokens"],
                    temperature=request["temperature"],
                    timeout=max(0.05, deadline - time.monotonic()),
                )
                for key in ("seed", "response_format", "stop"):
                    if request[key] is not None:
                        kwargs[key] = request[key]
                if request["extra"]:
                    kwargs["extra_body"] = request["extra"]
                with cancel:
                    stream = self._client.chat.completions.create(**kwargs)
                    finished = False
                    for chunk in stream:
                        if stop.is_set():
                            break
                        if not chunk.choices:
                            continue
                        choice = chunk.choices[0]
                        text = getattr(choice.delta, "content", None) if choice.delta is not None else None
                        if text:
                            q.put(text)
                        if choice.finish_reason:
                            finished = True
                            break  # what follows ([DONE], usage) adds nothing
                    stream.close()
                q.put(_DONE if finished or stop.is_set() else LLMError("cut_off", "the stream ended before the reply finished"))
            except BaseException as e:  # noqa: BLE001 - every failure goes to the caller
                q.put(_classify(e))

        worker = threading.Thread(target=work, daemon=True, name="llm-stream")
        worker.start()
        pieces = 0
        try:
            while True:
                until = deadline if pieces else first_by
                remaining = until - time.monotonic()
                try:
                    if remaining <= 0:
                        raise queue.Empty
                    item = q.get(timeout=remaining)
                except queue.Empty:
                    if not pieces and first_by < deadline:
                        raise LLMError("slow_start", f"no words within {request['first_wait']:g} s") from None
                    raise LLMError("timeout", f"no complete reply within {self.config.timeout:g} s") from None
                if item is _DONE:
                    if not pieces:
                        raise LLMError("empty", "the model returned an empty reply")
                    return
                if isinstance(item, LLMError):
                    raise item
                pieces += 1
                yield item
        finally:
            stop.set()
            if worker.is_alive():
                cancel.cancel()  # the worker's read returns now; the server sees the client leave


def _classify(e: BaseException) -> LLMError:
    if isinstance(e, LLMError):
        return e
    for cause in (e, e.__cause__, e.__context__):  # ours, raised inside the transport or the SSE reader
        if isinstance(cause, ResponseTooLarge):
            return LLMError("too_large", str(cause))
        if isinstance(cause, CompressedResponse):
            return LLMError("malformed", str(cause))
        if isinstance(cause, Cancelled):
            return LLMError("timeout", "the request was abandoned")
    if isinstance(e, openai.APITimeoutError):
        return LLMError("timeout", "the server did not answer in time")
    if isinstance(e, openai.APIConnectionError):
        return LLMError("refused", f"could not connect ({type(e.__cause__ or e).__name__})")
    if isinstance(e, openai.RateLimitError):
        return LLMError("rate_limited", "the server is busy (HTTP 429)", 429)
    if isinstance(e, openai.AuthenticationError):
        return LLMError("auth", "the server refused the API key", e.status_code)
    if isinstance(e, openai.APIStatusError):
        return LLMError("http", f"HTTP {e.status_code}", e.status_code)
    if isinstance(e, openai.APIResponseValidationError):
        return LLMError("malformed", "the server's answer was not OpenAI-shaped")
    if isinstance(e, openai.APIError):  # includes errors sent inside the stream
        return LLMError("malformed", f"the stream carried an error: {str(e)[:200]}")
    if type(e).__name__ in ("RemoteProtocolError", "ReadError", "StreamClosed", "IncompleteRead"):
        return LLMError("cut_off", "the connection closed mid-reply")
    if isinstance(e, (ValueError, KeyError, TypeError, AttributeError)):  # JSON or shape problems
        return LLMError("malformed", f"malformed stream ({type(e).__name__})")
    return LLMError("malformed", f"{type(e).__name__}: {str(e)[:200]}")
