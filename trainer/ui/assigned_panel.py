"""'Assigned to you' on the trainee's home page: each assignment (what, due date, overdue in red, done ticked)
and a Start button for each scenario still to do. Self-contained: show() is given the assignments with their
standing (trainer.assignments.assigned_to, run on the store's thread) and the library; every name and title
is shown as plain text."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ..assignments import Assignment, Standing, title
from ..scenarios.loader import Library
from ..verdict import PASS_MARK
from . import theme
from .widgets import FlowLayout, label

MAX_SHOWN = 8  # assignments listed at once (soonest due first); the rest are counted


def _state(a: Assignment, s: Standing, today: dt.date) -> str:
    if s.done:
        return "✓ Done"
    if s.overdue:
        days = (today - a.due).days
        return f"Overdue: was due {a.due.isoformat()} ({days} day{'s' if days != 1 else ''} ago)"
    if s.due_soon:
        return f"Due soon: {a.due.isoformat()}"
    return f"Due {a.due.isoformat()}"


class AssignedPanel(QFrame):
    start_requested = Signal(str)  # scenario id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.box = QVBoxLayout(self)
        self.box.addWidget(label("Assigned to you", "h2"))
        self.rows = QVBoxLayout()
        self.box.addLayout(self.rows)
        self.more = label("", "muted")
        self.box.addWidget(self.more)
        self.start_buttons: dict[str, QPushButton] = {}  # the first button offered for each scenario
        self.setVisible(False)

    def show_assignments(self, items: list[tuple[Assignment, Standing]], library: Library, today: dt.date | None = None) -> None:
        """Fill the panel (hidden when there is nothing assigned); items soonest due first."""
        today = today or dt.date.today()
        self.clear()
        # what is still to do first, then what is done
        ordered = sorted(items, key=lambda it: (it[1].done, it[0].due))
        for a, s in ordered[:MAX_SHOWN]:
            self.rows.addWidget(self._row(a, s, library, today))
        hidden = len(ordered) - MAX_SHOWN
        self.more.setText(f"and {hidden} more" if hidden > 0 else "")
        self.more.setVisible(hidden > 0)
        self.setVisible(bool(items))

    def clear(self) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.start_buttons = {}
        self.setVisible(False)

    def _row(self, a: Assignment, s: Standing, library: Library, today: dt.date) -> QWidget:
        row = QWidget()
        box = QVBoxLayout(row)
        box.setContentsMargins(0, 4, 0, 4)
        top = QHBoxLayout()
        what = label(a.what(library) + (f" (target {a.target})" if a.target != PASS_MARK else ""))
        what.setAccessibleName(f"Assignment: {what.text()}")
        state = label(_state(a, s, today), wrap=False)
        state.setObjectName("assignmentState")
        if s.overdue:
            state.setStyleSheet(f"color: {theme.BAD}; font-weight: 600;")
        elif s.done:
            state.setStyleSheet(f"color: {theme.GOOD};")
        top.addWidget(what, 1)
        top.addWidget(state)
        box.addLayout(top)
        if not s.done:
            starts = FlowLayout()
            for sid in s.to_start(library):
                name = title(library, sid)
                start = QPushButton(f"Start: {name}".replace("&", "&&"))  # '&' would mark a shortcut key
                start.setAccessibleName(f"Start the call {name}")
                start.clicked.connect(lambda _=False, sid=sid: self.start_requested.emit(sid))
                self.start_buttons.setdefault(sid, start)
                starts.addWidget(start)
            box.addLayout(starts)
        return row
