"""Kiosk mode's idle sign-out: a countdown after a quiet spell, then the trainee is signed out."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Watches all input to the application. warn(seconds_left) ticks each second of the
    countdown; timed_out fires at its end; any input resets both."""

    warn = Signal(int)
    cleared = Signal()
    timed_out = Signal()

    def __init__(self, app, idle_ms: int, warning_seconds: int):
        super().__init__()
        self.warning_seconds = warning_seconds
        self._left = 0
        self.idle = QTimer(self, singleShot=True, interval=max(1000, idle_ms))
        self.idle.timeout.connect(self._start_countdown)
        self.tick = QTimer(self, interval=1000)
        self.tick.timeout.connect(self._count)
        self.active = False
        app.installEventFilter(self)

    def start(self) -> None:
        self.active = True
        self.reset()

    def stop(self) -> None:
        self.active = False
        self.idle.stop()
        self.tick.stop()

    def reset(self) -> None:
        if self.tick.isActive():
            self.tick.stop()
            self.cleared.emit()
        if self.active:
            self.idle.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self.active and event.type() in INPUT_EVENTS:
            self.reset()
        return False

    def _start_countdown(self) -> None:
        self._left = self.warning_seconds
        self.warn.emit(self._left)
        self.tick.start()

    def _count(self) -> None:
        self._left -= 1
        if self._left > 0:
            self.warn.emit(self._left)
            return
        self.tick.stop()
        self.active = False
        self.timed_out.emit()
