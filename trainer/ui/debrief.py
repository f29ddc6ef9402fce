"""Debrief after a call: the session's scores, blockers, and every turn."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QProgressBar, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..domain import DIMENSIONS
from ..session import CallSession
from . import theme
from .widgets import card, label

ENDINGS = {"resolved": "Resolved", "payment_plan": "Payment plan agreed", "escalated": "Escalated to a supervisor",
           "hung_up": "The patient hung up", None: "You hung up"}


class DebriefPage(QWidget):
    again_requested = Signal()
    home_requested = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("page")
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 22, 28, 22)
        self.title = label("", "h1")
        self.outcome = label("", "muted")
        box.addWidget(self.title)
        box.addWidget(self.outcome)
        scores = card(label("Call scores", "h2"))
        self.bars = {}
        for name in DIMENSIONS + ("overall",):
            row = QHBoxLayout()
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setTextVisible(False)
            bar.setAccessibleName(f"{name} for the call")
            value = label("", "", wrap=False)
            value.setMinimumWidth(48)
            row.addWidget(label(name.capitalize(), "", wrap=False), 0)
            row.addWidget(bar, 1)
            row.addWidget(value)
            scores.layout().addLayout(row)
            self.bars[name] = (bar, value)
        self.blockers = label("", "")
        self.blockers.setStyleSheet(f"color: {theme.BAD}; font-weight: 600;")
        scores.layout().addWidget(self.blockers)
        self.concerns = label("", "muted")
        scores.layout().addWidget(self.concerns)
        box.addWidget(scores)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["#", "Patient said", "You said", "Empathy", "Clarity", "Compliance"])
        self.table.setAccessibleName("Turn by turn scores")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        home = QPushButton("Back to scenarios")
        home.setAccessibleName("Back to the scenario list")
        home.clicked.connect(self.home_requested)
        again = QPushButton("Try this call again")
        again.setObjectName("primary")
        again.setAccessibleName("Try this call again")
        again.clicked.connect(self.again_requested)
        row.addWidget(home)
        row.addWidget(again)
        box.addLayout(row)
        self.again_button = again

    def show_session(self, session: CallSession) -> None:
        summary = session.summary()
        self.title.setText(f"Debrief: {session.scenario.title}")
        verdict = "Passed" if summary.passed else "Not passed yet"
        self.outcome.setText(f"{ENDINGS.get(session.ending, session.ending)}  ·  {len(session.turns)} replies  ·  {verdict}")
        values = dict(summary.dimensions, overall=summary.overall)
        for name, (bar, label_) in self.bars.items():
            v = values[name]
            bar.setValue(v or 0)
            bar.setStyleSheet(f"QProgressBar::chunk {{ background: {theme.score_colour(v or 0)}; border-radius: 5px; }}")
            label_.setText("n/a" if v is None else str(v))
        if summary.blockers:
            self.blockers.setText("Blockers (the call fails):\n" + "\n".join(
                f"• {b.title} — {b.source}" for b in summary.blockers))
            self.blockers.show()
        else:
            self.blockers.hide()
        hidden = session.scenario.persona.hidden_concerns
        found = session.persona.revealed_concerns
        self.concerns.setText(
            (f"Concerns drawn out: {len(found)} of {len(hidden)}. "
             + " ".join(c.text for c in hidden if c.id in found)) if hidden else "")
        self.table.setRowCount(len(session.turns))
        for r, turn in enumerate(session.turns):
            cells = [str(turn.index + 1), turn.patient.text, turn.reply] + [
                str(d.score) if d.applicable else "n/a" for d in turn.score.dimensions()]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= 3:
                    item.setTextAlignment(Qt.AlignCenter)
                self.table.setItem(r, c, item)
        QTimer.singleShot(0, self.table.resizeRowsToContents)  # after the columns have their widths
        self.again_button.setFocus()
