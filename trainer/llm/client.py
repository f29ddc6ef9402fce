"""The openai client with a hard deadline and bounded retries, as a streaming generator.

`LLMClient.stream(messages)` yields text pieces as the server sends them and raises `LLMError`
(with a `kind`) for every failure: refused connection, timeout, HTTP error, malformed or cut-off
stream, empty answer. The whole reply, retries included, never takes longer than `config.timeout`
(plus a few milliseconds): the HTTP read runs in a worker thread and the caller waits on a queue.
"""
from __future__ import annotations

import queue
import threading
import time
from typing import Iterator

import openai

from .endpoint import EndpointConfig

_DONE = object()
RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


class LLMError(Exception):
    """kind: refused | timeout | http | rate_limited | malformed | cut_off | empty | auth."""

    def __init__(self, kind: str, message: str, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status


class LLMClient:
    def __init__(self, config: EndpointConfig):
        self.config = config
        # max_retries=0: retries are ours, bounded and inside the deadline.
        self._client = openai.OpenAI(base_url=config.base_url, api_key=config.key_for_client,
                                     timeout=config.timeout, max_retries=0)

    def close(self) -> None:
        self._client.close()

    def stream(self, messages: list[dict], *, max_tokens: int = 120, temperature: float = 0.7,
               seed: int | None = None, deadline: float | None = None,
               response_format: dict | None = None) -> Iterator[str]:
        """Yield the reply's text pieces. Retries (bounded) only before the first piece arrived."""
        deadline = deadline if deadline is not None else time.monotonic() + self.config.timeout
        attempt = 0
        while True:
            got_any = False
            try:
                for piece in self._one_stream(messages, max_tokens, temperature, seed, deadline, response_format):
                    got_any = True
                    yield piece
                return
            except LLMError as e:
                retryable = e.kind in ("refused", "rate_limited") or (e.kind == "http" and e.status in RETRYABLE_STATUS)
                attempt += 1
                if got_any or not retryable or attempt > self.config.max_retries:
                    raise
                pause = min(0.25 * attempt, 1.0)
                if time.monotonic() + pause >= deadline:
                    raise
                time.sleep(pause)

    def complete(self, messages: list[dict], **kw) -> str:
        return "".join(self.stream(messages, **kw))

    # -- one attempt -------------------------------------------------------------------------
    def _one_stream(self, messages, max_tokens, temperature, seed, deadline, response_format) -> Iterator[str]:
        q: queue.SimpleQueue = queue.SimpleQueue()
        holder: dict = {}
        stop = threading.Event()

        def work() -> None:
            try:
                kwargs = dict(model=self.config.model or "default", messages=messages, stream=True,
                              max_tokens=max_tokens, temperature=temperature,
                              timeout=max(0.05, deadline - time.monotonic()))
                if seed is not None:
                    kwargs["seed"] = seed
                if response_format is not None:
                    kwargs["response_format"] = response_format
                stream = self._client.chat.completions.create(**kwargs)
                holder["stream"] = stream
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
                q.put(_DONE if finished or stop.is_set() else LLMError("cut_off", "the stream ended before the reply finished"))
            except BaseException as e:  # noqa: BLE001 - every failure goes to the caller
                q.put(_classify(e))

        worker = threading.Thread(target=work, daemon=True, name="llm-stream")
        worker.start()
        pieces = 0
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LLMError("timeout", f"no complete reply within {self.config.timeout:g} s")
                try:
                    item = q.get(timeout=remaining)
                except queue.Empty:
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
            s = holder.get("stream")
            if s is not None and worker.is_alive():
                threading.Thread(target=_quiet_close, args=(s,), daemon=True).start()


def _quiet_close(stream) -> None:
    try:
        stream.close()
    except Exception:  # noqa: BLE001
        pass


def _classify(e: BaseException) -> LLMError:
    if isinstance(e, LLMError):
        return e
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
