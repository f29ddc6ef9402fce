"""Runs a call's turns off the GUI thread and hands the session's events to the window as queued signals.

The page asks (open, submit, retry, hang_up); the session does the work on a worker and reports what
happened (trainer.call_events). While a turn runs the page is in transition: `busy` is true, Send and
Retry are locked, and a second request is refused by the session itself (Busy).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..call_events import CallEnded, CallEvent, PatientSpoke, ReplyScored, Token
from ..session import CallSession
from .workers import run_in_background


class CallController(QObject):
    reply_scored = Signal(object)  # ReplyScored
    token = Signal(str)
    patient_spoke = Signal(object)  # PatientSpoke
    call_ended = Signal(object)  # CallEnded
    failed = Signal(str)  # a request could not be done; the words say why
    busy_changed = Signal(
        object
    )  # True: a turn started; False: it finished (object: PySide6 6.x miscounts bools sent through Signal(bool))
    retried = Signal(object)  # the line to answer again

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.session: CallSession | None = None
        self.busy = False
        self.pending = 0  # requests still running off the GUI thread (a turn, a hang-up)

    def attach(self, session: CallSession) -> None:
        """Follow this session from now on; events of an earlier one are dropped."""
        self.session = session
        session.subscribe(lambda event: self._forward(session, event))

    def detach(self) -> None:
        self.session = None
        self._set_busy(False)

    def _forward(self, session: CallSession, event: CallEvent) -> None:
        # runs on the thread that ran the verb; a signal emitted here reaches the page on its own thread
        if session is not self.session:
            return
        if isinstance(event, Token):
            self.token.emit(event.text)
        elif isinstance(event, ReplyScored):
            self.reply_scored.emit(event)
        elif isinstance(event, PatientSpoke):
            self.patient_spoke.emit(event)
        elif isinstance(event, CallEnded):
            self.call_ended.emit(event)

    # -- requests -------------------------------------------------------------------------------
    def open(self) -> None:
        self._turn(lambda session: session.open())

    def submit(self, text: str) -> None:
        self._turn(lambda session: session.submit(text))

    def retry(self) -> None:
        session = self.session
        if session is None or self.busy or not session.can_retry:
            return
        self._turn(lambda s: s.retry(), on_done=self.retried.emit)

    def hang_up(self) -> None:
        """Allowed during a turn: the session drops the patient's late line."""
        session = self.session
        if session is None or session.finished:
            return
        self.pending += 1

        def settled(*_) -> None:
            self.pending -= 1

        def failed(message: str) -> None:
            settled()
            self.failed.emit(message)

        run_in_background(lambda cancel: session.hang_up(), settled, failed)

    def _turn(self, work, on_done=None) -> None:
        session = self.session
        if session is None or self.busy:
            return
        self._set_busy(True)
        self.pending += 1

        def done(result) -> None:
            self.pending -= 1
            if session is self.session:
                self._set_busy(False)
                if on_done is not None:
                    on_done(result)

        def failed(message: str) -> None:
            self.pending -= 1
            if session is self.session:
                self._set_busy(False)
                self.failed.emit(message)

        run_in_background(lambda cancel: work(session), done, failed)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)
