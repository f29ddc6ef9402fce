"""Run slow work off the GUI thread and hand the result back on it."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

if TYPE_CHECKING:
    from ..store.worker import StoreThread

T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside a job that saw its cancel flag."""


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[threading.Event], object], cancel: threading.Event):
        super().__init__()
        self.fn = fn
        self.cancel = cancel
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn(self.cancel)
        except Cancelled:
            self.signals.failed.emit("Cancelled.")
        except Exception as e:  # reported in the window; the app keeps running
            self.signals.failed.emit(f"{type(e).__name__}: {e}" if not str(e) else str(e))
        else:
            self.signals.done.emit(result)


def run_in_background(
    fn: Callable[[threading.Event], T], on_done: Callable[[T], object], on_failed: Callable[[str], object]
) -> threading.Event:
    """Start fn(cancel_event) on the thread pool; returns the event that asks it to stop.

    The job opens its own database connection if it needs one: sqlite-utils
    connections do not cross threads.
    """
    cancel = threading.Event()
    job = _Job(fn, cancel)
    job.signals.done.connect(on_done)
    job.signals.failed.connect(on_failed)
    job.setAutoDelete(True)
    _keep.add(job.signals)
    job.signals.done.connect(lambda *_: _keep.discard(job.signals))
    job.signals.failed.connect(lambda *_: _keep.discard(job.signals))
    QThreadPool.globalInstance().start(job)
    return cancel


_keep: set[_Signals] = set()  # signal objects alive until their job reports


def on_store(
    data: StoreThread,
    fn: Callable[..., T],
    on_done: Callable[[T], object],
    on_failed: Callable[[str], object],
    *args: Any,
    **kwargs: Any,
) -> None:
    """Run fn(store, *args, **kwargs) on the store's own thread (a StoreThread) and hand the result
    back on the GUI thread: the window never runs SQL itself."""
    signals = _Signals()
    signals.done.connect(on_done)
    signals.failed.connect(on_failed)
    _keep.add(signals)

    def report(future: Future[T]) -> None:  # on the store thread; the signals queue the answer to the GUI thread
        error = future.exception()
        if error is None:
            signals.done.emit(future.result())
        else:
            signals.failed.emit(str(error) or type(error).__name__)
        _keep.discard(signals)

    data.submit(fn, *args, **kwargs).add_done_callback(report)
