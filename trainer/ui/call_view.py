"""The call screen: patient card, transcript, reply box, and the score card for the last reply."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QPlainTextEdit, QPushButton, QSplitter, QTextBrowser,
                               QVBoxLayout, QWidget)

from ..domain import MAX_REPLY_CHARS, PatientLine
from ..session import CallSession, EmptyReply
from . import theme
from .catalogue import ROLE_NAMES
from .score_card import ScoreCard
from .widgets import card, escape, label


class CallPage(QWidget):
    finished = Signal()  # the call ended (patient's closing line, or the trainee hung up)

    def __init__(self):
        super().__init__()
        self.setObjectName("page")
        self.session: CallSession | None = None
        self._html: list[str] = []
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 16, 20, 16)
        self.title = label("", "h2")
        box.addWidget(self.title)

        self.patient = label("", "")
        self.patient.setTextFormat(Qt.RichText)
        self.patient.setAccessibleName("Patient and account")
        patient_card = card(label("Patient", "h2"), self.patient)
        patient_card.setMinimumWidth(240)
        patient_card.layout().addStretch(1)

        self.transcript = QTextBrowser()
        self.transcript.setAccessibleName("Call transcript")
        self.reply = QPlainTextEdit()
        self.reply.setPlaceholderText("Type your reply to the patient…  (Ctrl+Enter sends)")
        self.reply.setAccessibleName("Your reply")
        self.reply.setMaximumHeight(110)
        self.reply.textChanged.connect(self._cap_reply)
        self.hint = label("", "hint")
        self.send = QPushButton("Send  (Ctrl+Enter)")
        self.send.setObjectName("primary")
        self.send.setAccessibleName("Send reply")
        self.send.clicked.connect(self.submit)
        self.hang_up_button = QPushButton("Hang up")
        self.hang_up_button.setObjectName("danger")
        self.hang_up_button.setAccessibleName("Hang up and end the call")
        self.hang_up_button.clicked.connect(self.hang_up)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.reply, activated=self.submit)
        middle = QWidget()
        mid = QVBoxLayout(middle)
        mid.setContentsMargins(0, 0, 0, 0)
        mid.addWidget(self.transcript, 1)
        mid.addWidget(self.reply)
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.hang_up_button)
        row.addWidget(self.send)
        mid.addLayout(row)

        self.score_card = ScoreCard()
        split = QSplitter()
        split.addWidget(patient_card)
        split.addWidget(middle)
        split.addWidget(self.score_card)
        split.setSizes([250, 560, 390])
        split.setChildrenCollapsible(False)
        box.addWidget(split, 1)

    def begin(self, session: CallSession) -> None:
        self.session = session
        s = session.scenario
        self.title.setText(f"{s.title}  ·  you are: {s.organisation}")
        self.patient.setText(self._patient_html(session))
        self._html = []
        self.score_card.clear()
        self.reply.clear()
        self.hint.clear()
        self.reply.setEnabled(True)
        self.send.setEnabled(True)
        self._add_patient(session.start())
        self.reply.setFocus()

    def submit(self) -> None:
        if self.session is None or self.session.finished:
            return
        text = self.reply.toPlainText()
        asked = self.session.current
        try:
            result = self.session.submit(text)
        except EmptyReply as e:
            self.hint.setText(str(e))
            return
        self.hint.setText(" ".join(result.notices))
        self.reply.clear()
        self._add_trainee(result.turn.reply, result.turn.score.overall)
        self.score_card.show_score(result.turn.reply, result.turn.score, asked.model_answer)
        self._add_patient(result.patient)
        if result.finished:
            self._end()

    def hang_up(self) -> None:
        if self.session is not None and not self.session.finished:
            self.session.hang_up()
            self._end()

    def _end(self) -> None:
        self.reply.setEnabled(False)
        self.send.setEnabled(False)
        self.finished.emit()

    def _cap_reply(self) -> None:
        text = self.reply.toPlainText()
        if len(text) > MAX_REPLY_CHARS:
            self.reply.blockSignals(True)
            self.reply.setPlainText(text[:MAX_REPLY_CHARS])
            self.reply.blockSignals(False)
            self.reply.moveCursor(self.reply.textCursor().MoveOperation.End)
            self.hint.setText(f"That was {len(text):,} characters; a reply keeps the first {MAX_REPLY_CHARS:,}.")

    def _add_patient(self, line: PatientLine) -> None:
        name = escape(self.session.persona_name)
        self._bubble(name, line.text, theme.PATIENT_BUBBLE, "left")

    def _add_trainee(self, text: str, overall: int) -> None:
        colour = theme.score_colour(overall)
        self._bubble(f"You <span style='color:{colour}'>· {overall}</span>", text, theme.TRAINEE_BUBBLE, "right")

    def _bubble(self, who: str, text: str, colour: str, align: str) -> None:
        margin = "margin-left:80px" if align == "right" else "margin-right:80px"
        self._html.append(
            f"<table width='100%' style='{margin}' cellpadding='10'><tr><td style='background:{colour}'>"
            f"<b>{who}</b><br>{escape(text)}</td></tr></table>")
        self.transcript.setHtml("".join(self._html))
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())

    @staticmethod
    def _patient_html(session: CallSession) -> str:
        s = session.scenario
        rows = [f"<b style='font-size:13pt'>{escape(session.persona_name)}</b>, {s.persona.age}",
                f"<span style='color:{theme.MUTED}'>{escape(s.persona.situation)}</span>", "",
                f"<b>Your role:</b> {ROLE_NAMES[s.role]}"]
        for key, value in session.account.items():
            rows.append(f"<b>{escape(key.replace('_', ' ').capitalize())}:</b> {escape(str(value))}")
        return "<br>".join(rows)
