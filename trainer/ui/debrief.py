"""Debrief after a call: the call's scores, blockers, every turn, first try against best, what next."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..coach import Pick
from ..console import concerns_summary, replies
from ..domain import DIMENSIONS
from ..session import CallSession
from ..verdict import verdict_words
from . import theme
from .score_card import set_bar_colour
from .widgets import box_of, card, escape, label, plain_tip, vertical_scroll

ENDINGS = {
    "resolved": "Resolved",
    "payment_plan": "Payment plan agreed",
    "escalated": "Escalated to a supervisor",
    "hung_up": "The patient hung up",
    None: "You hung up",
}


def _fmt(value) -> str:
    return "n/a" if value is None else str(value)


class DebriefPage(QWidget):
    again_requested = Signal()
    home_requested = Signal()
    retry_requested = Signal()
    next_requested = Signal(str)

    def __init__(self):
        super().__init__()
        self.setObjectName("page")
        self._next: Pick | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 18, 28, 18)
        # everything but the buttons scrolls: a long list of blockers at 16 pt must not squeeze the table away
        body = QWidget()
        body.setObjectName("page")
        box = QVBoxLayout(body)
        box.setContentsMargins(0, 0, 8, 0)
        outer.addWidget(vertical_scroll(body), 1)
        self.title = label("", "h1")
        self.outcome = label("", "muted")
        box.addWidget(self.title)
        box.addWidget(self.outcome)
        scores = card()
        columns = QHBoxLayout()  # the bars beside what they mean, to keep the card short
        box_of(scores).addLayout(columns)
        grid = QGridLayout()
        grid.addWidget(label("Call scores", "h2"), 0, 0, 1, 3)
        self.bars = {}
        for row_index, name in enumerate(DIMENSIONS + ("overall",), 1):
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setTextVisible(False)
            bar.setAccessibleName(f"{name} for the call")
            value = label("", "", wrap=False)
            grid.addWidget(label(name.capitalize(), "", wrap=False), row_index, 0)
            grid.addWidget(bar, row_index, 1)
            grid.addWidget(value, row_index, 2)
            self.bars[name] = (bar, value)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(2, 40)
        grid.setRowStretch(len(DIMENSIONS) + 2, 1)
        columns.addLayout(grid, 1)
        notes = QVBoxLayout()
        columns.addSpacing(16)
        columns.addLayout(notes, 1)
        self.attempts = label("", "muted")
        notes.addWidget(self.attempts)
        self.blockers = label("", "")
        self.blockers.setStyleSheet(f"color: {theme.BAD}; font-weight: 600;")
        notes.addWidget(self.blockers)
        self.concerns = label("", "muted")
        notes.addWidget(self.concerns)
        self.next_label = label("", "pick", rich=True)
        notes.addWidget(self.next_label)
        notes.addStretch(1)
        box.addWidget(scores)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(["#", "Try", "Patient said", "You said", "Empathy", "Clarity", "Compliance"])
        self.table.setAccessibleName("Turn by turn scores")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setMinimumHeight(220)
        header = self.table.horizontalHeader()
        for column in (0, 1, 4, 5, 6):  # as wide as their headings, so "Compliance" is never cut
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.retry = QPushButton("Retry my last reply")
        self.retry.setAccessibleName("Retry your last reply; the first try is kept")
        self.retry.clicked.connect(self.retry_requested)
        row.addWidget(self.retry)
        row.addStretch(1)
        home = QPushButton("Back to calls")
        home.setAccessibleName("Back to the list of calls")
        home.clicked.connect(self.home_requested)
        self.next_button = QPushButton("Practise next")
        self.next_button.setAccessibleName("Start the suggested next call")
        self.next_button.clicked.connect(lambda: self._next and self.next_requested.emit(self._next.scenario_id))
        again = QPushButton("Try this call again")
        again.setObjectName("primary")
        again.setAccessibleName("Try this call again")
        again.clicked.connect(self.again_requested)
        for w in (home, self.next_button, again):
            row.addWidget(w)
        outer.addLayout(row)
        self.again_button = again

    def clear(self) -> None:
        self.title.clear()
        self.outcome.clear()
        self.table.setRowCount(0)
        for bar, value_label in self.bars.values():
            bar.setValue(0)
            value_label.clear()
        for w in (self.attempts, self.blockers, self.concerns, self.next_label):
            w.clear()
        self._next = None

    def show_session(self, session: CallSession, next_pick: Pick | None) -> None:
        summary = session.summary()
        self._next = next_pick
        self.title.setText(f"Debrief: {session.scenario.title}")
        verdict = verdict_words(session.status, session.passed)
        self.outcome.setText(f"{ENDINGS.get(session.ending, session.ending)}  ·  {replies(len(session.turns))}  ·  {verdict}")
        values = dict(summary.dimensions, overall=summary.overall)
        for name, (bar, value_label) in self.bars.items():
            v = values[name]
            bar.setValue(v or 0)
            set_bar_colour(bar, theme.score_colour(v or 0))
            value_label.setText(_fmt(v))
        first, best = session.first_attempts_summary(), session.best_attempts_summary()
        retried = len(session.attempts) > len(session.turns)
        self.attempts.setText(
            f"First tries: overall {first.overall}  ·  best tries: overall {best.overall}  "
            f"({len(session.attempts) - len(session.turns)} retried)"
            if retried
            else "No turns retried. Retrying a weak reply is the fastest way to learn what works."
        )
        if summary.blockers:
            self.blockers.setText(
                "Blockers (the call fails):\n" + "\n".join(f"• {b.title} — {b.source}" for b in summary.blockers)
            )
            self.blockers.show()
        else:
            self.blockers.hide()
        self.concerns.setText(concerns_summary(session) if session.scenario.persona.hidden_concerns else "")
        self.next_label.setText(f"<b>What to practise next:</b> {escape(next_pick.reason)}" if next_pick else "")
        self.next_label.setVisible(next_pick is not None)
        self.next_button.setVisible(next_pick is not None)
        self.retry.setVisible(session.can_retry and bool(session.turns))
        self.table.setRowCount(len(session.attempts))
        for r, turn in enumerate(sorted(session.attempts, key=lambda t: (t.index, t.attempt))):
            cells = [str(turn.index + 1), str(turn.attempt), turn.patient.text, turn.reply] + [
                str(d.score) if d.applicable else "n/a" for d in turn.score.dimensions()
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (0, 1) or c >= 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if c >= 4 and text.isdigit():
                    item.setForeground(Qt.GlobalColor.black)
                    plain_tip(item, "; ".join(turn.score.dimensions()[c - 4].reasons))
                self.table.setItem(r, c, item)
        QTimer.singleShot(0, self.table.resizeRowsToContents)  # after the columns have their widths
        self.again_button.setFocus()
