"""One thread owns the Store; everyone else hands it work (sqlite connections do not cross threads).

`StoreThread.submit(fn, *args)` runs `fn(store, *args)` on the store's own thread, in order, and
returns a Future. `StoreThread.proxy()` gives an object with the Store's methods whose every call
runs there and waits for its answer, so a CallSession on a worker thread can use it like a Store.
The window hands slow work (exports, imports, the class summary) to `submit` and is told when it
is done; it never runs SQL itself.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from .store import Store

# fn(store, *args, **kwargs) and the Future that gets its answer; None in the queue stops the thread
_Job = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class StoreThread:
    def __init__(self, open_store: Callable[[], Store]):
        """open_store runs on the new thread (the connection is made where it is used); its
        exception, if any, is raised here."""
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="store", daemon=True)
        self._opened: Future[dict[str, Any]] = Future()
        self._open = open_store
        self._thread.start()
        self.store_facts: dict[str, Any] = self._opened.result()  # raises what open_store raised

    def _run(self) -> None:
        try:
            store = self._open()
        except BaseException as e:
            self._opened.set_exception(e)
            return
        self._opened.set_result({"path": store.path, "kiosk_id": store.kiosk_id})
        while True:
            job = self._jobs.get()
            if job is None:
                store.close()
                return
            future, fn, args, kwargs = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(store, *args, **kwargs))
            except BaseException as e:
                future.set_exception(e)

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        """Run fn(store, *args, **kwargs) on the store's thread; the Future holds its result or exception."""
        if threading.current_thread() is self._thread:  # waiting on itself would never end
            raise RuntimeError("a store job must not hand more work to the store thread")
        future: Future[Any] = Future()
        self._jobs.put((future, fn, args, kwargs))
        return future

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """submit() and wait for the answer."""
        return self.submit(fn, *args, **kwargs).result()

    def proxy(self) -> "StoreProxy":
        return StoreProxy(self)

    def close(self) -> None:
        """Finish the queued work, end the run cleanly and close the database."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()


class StoreProxy:
    """The Store's methods, each run on the store thread (see StoreThread)."""

    def __init__(self, thread: StoreThread):
        self._thread = thread
        self.path = thread.store_facts["path"]
        self.kiosk_id = thread.store_facts["kiosk_id"]

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_") or not callable(getattr(Store, name, None)):
            raise AttributeError(f"the store proxy has no method {name!r}")

        def run_there(*args: Any, **kwargs: Any) -> Any:
            return self._thread.call(lambda store: getattr(store, name)(*args, **kwargs))

        run_there.__name__ = name
        return run_there
