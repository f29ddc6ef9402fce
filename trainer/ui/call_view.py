"""The call screen: patient card, transcript, reply box, and the score card for the last reply."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..call_events import CallEnded, PatientSpoke, ReplyScored
from ..domain import MAX_REPLY_CHARS, PatientLine
from ..session import HINT_COST, Busy, CallSession
from . import theme
from .catalogue import ROLE_NAMES
from .audio import LinePlayer, ReplyRecorder
from .call_controller import CallController
from .score_card import ScoreCard, set_bar_colour
from .widgets import FlowLayout, box_of, card, escape, label, vertical_scroll
from .workers import run_in_background

if TYPE_CHECKING:
    from ..domain import Score
    from ..llm.judge import JudgeOpinion


class ReplyEdit(QPlainTextEdit):
    """The reply box: Ctrl+Enter sends (handled here, so it works whichever window is active)."""

    send_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.send_requested.emit()
            return
        super().keyPressEvent(event)


class CallPage(QWidget):
    finished = Signal()  # the call ended (patient's closing line, or the trainee hung up)
    could_not_start = Signal(str)  # the call failed before the patient said anything; the words say why

    def __init__(self, voice=None, transcriber=None):
        super().__init__()
        self.setObjectName("page")
        self.session: CallSession | None = None
        self.voice_on, self.voice_rate = False, 100
        # optional: (patient line, reply, score, role) -> JudgeOpinion, run off the GUI thread
        self.judge: Callable[[str, str, Score, str], JudgeOpinion] | None = None
        self.player = LinePlayer(voice, parent=self)
        self.player.unavailable.connect(self._note)
        self.recorder = ReplyRecorder(transcriber, parent=self)
        self.recorder.unavailable.connect(self._note)
        self.recorder.transcribed.connect(self._insert_transcript)
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        self.title = label("", "h2")
        top.addWidget(self.title, 1)
        self.clock = label("00:00", "muted", wrap=False)
        self.clock.setAccessibleName("Time on the call")
        top.addWidget(self.clock)
        box.addLayout(top)
        self._started = 0.0
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._tick)

        self.patient = label("", "")
        self.patient.setTextFormat(Qt.TextFormat.RichText)
        self.patient.setAccessibleName("Patient and account")
        self.mood = QProgressBar()
        self.mood.setRange(0, 100)
        self.mood.setTextVisible(False)
        self.mood.setAccessibleName("Patient mood")
        self.mood_label = label("", "muted")
        # the mood first: it changes every turn and must not scroll out of sight below the goals
        patient_card = card(label("Mood", "h2"), self.mood, self.mood_label, label("Patient", "h2"), self.patient)
        box_of(patient_card).addStretch(1)
        patient_scroll = vertical_scroll(patient_card)  # long account facts and goals scroll, the card wraps
        patient_scroll.setMinimumWidth(240)

        self.transcript = QTextBrowser()
        self.transcript.setAccessibleName("Call transcript")
        self.reply = ReplyEdit()
        self.reply.send_requested.connect(self.submit)
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
        self.hint_button = QPushButton(f"Hint (−{HINT_COST} points)")
        self.hint_button.setAccessibleName(f"Get a hint; it costs {HINT_COST} points on the call's overall score")
        self.hint_button.clicked.connect(self.show_hint)
        self.mute = QPushButton("Mute voice")
        self.mute.setCheckable(True)
        self.mute.setAccessibleName("Mute the patient's voice (captions stay on screen)")
        self.mute.toggled.connect(self.player.set_muted)
        self.replay_button = QPushButton("Replay line")
        self.replay_button.setAccessibleName("Hear the patient's last line again")
        self.replay_button.clicked.connect(self.player.replay)
        self.talk = QPushButton("Hold to talk")
        self.talk.setAccessibleName("Hold to speak your reply; the words appear in the reply box to edit before sending")
        self.talk.pressed.connect(self.recorder.start)
        self.talk.released.connect(self.recorder.stop)
        self.recorder.recording.connect(lambda on: self.talk.setText("Recording… release to stop" if on else "Hold to talk"))
        middle = QWidget()
        mid = QVBoxLayout(middle)
        mid.setContentsMargins(0, 0, 0, 0)
        mid.addWidget(self.transcript, 1)
        self.live = label("", "muted")  # the patient's words as a model streams them
        self.live.setTextFormat(Qt.TextFormat.PlainText)  # a model's words are never markup
        self.live.setAccessibleName("The patient is speaking")
        self.live.hide()
        mid.addWidget(self.live)
        self.controller = CallController(self)
        self.controller.token.connect(self._on_token)
        self.controller.reply_scored.connect(self._scored)
        self.controller.patient_spoke.connect(self._heard)
        self.controller.call_ended.connect(self._ended)
        self.controller.failed.connect(self._failed)
        self.controller.busy_changed.connect(self._busy)
        self.controller.retried.connect(self._retried)
        self._streamed = ""
        sound = FlowLayout()  # wraps at large text sizes rather than widen the window
        for w in (self.talk, self.mute, self.replay_button):
            sound.addWidget(w)
        mid.addLayout(sound)
        mid.addWidget(self.reply)
        mid.addWidget(self.hint)  # a line of its own: a long notice must not squeeze the buttons
        row = QHBoxLayout()
        row.addWidget(self.hint_button)
        row.addStretch(1)
        row.addWidget(self.hang_up_button)
        row.addWidget(self.send)
        mid.addLayout(row)

        self.score_card = ScoreCard()
        self.score_card.retry_requested.connect(self.retry)
        split = QSplitter()
        split.addWidget(patient_scroll)
        split.addWidget(middle)
        split.addWidget(self.score_card)
        split.setSizes([260, 560, 400])
        split.setStretchFactor(1, 1)  # the transcript takes what the window gains
        split.setChildrenCollapsible(False)
        box.addWidget(split, 1)

    def begin(self, session: CallSession) -> None:
        self.session = session
        s = session.scenario
        self.title.setText(f"{s.title}  ·  you are: {s.organisation}")
        self.patient.setText(self._patient_html(session))
        self.transcript.clear()
        self.score_card.clear()
        self.reply.clear()
        self.hint.clear()
        self.controller.attach(session)
        self.controller.open()
        self._started = time.monotonic()
        self._tick()
        self._ticker.start()
        self.reply.setFocus()

    def configure_voice(self, on: bool, rate: int) -> None:
        """Voice on or off (Settings) and its speed in percent; captions are always shown."""
        self.voice_on, self.voice_rate = on, rate
        for w in (self.mute, self.replay_button):
            w.setVisible(on)
        if not on:
            self.player.stop()

    def _insert_transcript(self, text: str) -> None:
        if text:
            self.reply.insertPlainText((" " if self.reply.toPlainText() else "") + text)
            self.reply.setFocus()

    def reset(self) -> None:
        """Clear everything of the last call from the screen."""
        self.player.stop()
        self.controller.detach()
        self.session = None
        self._ticker.stop()
        self.transcript.clear()
        self.patient.clear()
        self.title.clear()
        self.clock.setText("00:00")
        self.reply.clear()
        self.hint.clear()
        self.score_card.clear()
        self.mood.setValue(0)
        self.mood_label.clear()

    def submit(self) -> None:
        """Send the reply; it stays in the box until it is scored and stored (a failure keeps it there)."""
        if self.session is None or self.session.finished or self.controller.busy:
            return
        text = self.reply.toPlainText()
        if not text.strip():
            self.hint.setText("Type or say a reply first: an empty reply is not sent.")
            return
        self.controller.submit(text)

    def _scored(self, event: ReplyScored) -> None:
        turn = event.turn
        self.hint.setText(" ".join(event.notices))
        self.reply.clear()
        self._add_trainee(turn.reply, turn.score.overall, turn.attempt)
        self.score_card.show_score(turn.reply, turn.score, event.asked.model_answer, can_retry=False)
        if self.judge is not None and self.session is not None:
            self.score_card.show_opinion("Asking the language model for a second opinion…")
            card, judge, role = self.score_card, self.judge, self.session.scenario.role
            run_in_background(
                lambda cancel: judge(event.asked.text, turn.reply, turn.score, role),
                lambda opinion: card.show_opinion(opinion.summary()),
                lambda message: card.show_opinion(f"Second opinion unavailable: {message}"),
            )

    def _busy(self, busy: bool) -> None:
        """In transition while a turn runs: nothing can be sent or retried until the patient has answered."""
        session = self.session
        self._set_open(not busy and session is not None and not session.finished)
        self.score_card.retry.setEnabled(not busy and session is not None and session.can_retry)
        if busy and session is not None and session.persona.mode != "scripted":
            self._streamed = ""
            ringing = session.current is None  # the first line: the call is still connecting
            self.live.setText("Ringing… the call is connecting." if ringing else f"{session.persona_name} is speaking…")
            self.live.show()
        elif not busy:
            self.live.hide()

    def _failed(self, message: str) -> None:
        """A request failed: say so in words; the reply (if any) is still in the box."""
        if self.session is not None and self.session.current is None:
            self._ticker.stop()
            self.could_not_start.emit(message or "The call could not start.")
            return
        self._note(message if message else "That did not work; your reply is still in the box.")

    def _heard(self, event: PatientSpoke) -> None:
        session, line = self.session, event.line
        if session is None:
            return
        self.live.hide()
        self._add_patient(session, line)
        if self.voice_on:
            voice = session.scenario.persona.voice
            if event.first:
                self.player.start_call(line.text, voice, self.voice_rate)
            else:
                self.player.speak(line.text, voice, self.voice_rate)
        if not session.finished:
            self.reply.setFocus()

    def _ended(self, event: CallEnded) -> None:
        self._end()

    def _on_token(self, text: str) -> None:
        if self.session is not None and self.live.isVisible():
            self._streamed += text
            self.live.setText(f"{self.session.persona_name}: {self._streamed}")

    def show_hint(self) -> None:
        if self.session is not None and not self.session.finished:
            try:
                self.hint.setText(self.session.hint())
            except Busy as e:
                self.hint.setText(str(e))

    def retry(self) -> None:
        """Answer the last patient line again; the first attempt stays in the transcript and the record."""
        self.controller.retry()

    def _retried(self, line: PatientLine) -> None:
        self._note(f"You are trying that reply again. The patient said: “{line.text}”")
        self.score_card.retry.setEnabled(False)
        self.score_card.hide_model_answer()  # shown again once the new reply is scored
        if not self._ticker.isActive():
            self._ticker.start()
        self._update_mood(line.mood)
        self.reply.setFocus()

    def hang_up(self) -> None:
        self.player.stop()
        self.controller.hang_up()

    def _end(self) -> None:
        self._set_open(False)
        self._ticker.stop()
        self.finished.emit()

    def _set_open(self, open_: bool) -> None:
        for w in (self.reply, self.send, self.hint_button, self.hang_up_button, self.talk):
            w.setEnabled(open_)

    def _tick(self) -> None:
        seconds = int(time.monotonic() - self._started)
        self.clock.setText(f"{seconds // 60:02d}:{seconds % 60:02d}")

    def _update_mood(self, mood: int) -> None:
        self.mood.setValue(mood)
        set_bar_colour(self.mood, theme.score_colour(mood))
        word = "at ease" if mood >= 70 else "calming" if mood >= 50 else "tense" if mood >= 30 else "angry"
        self.mood_label.setText(f"{word} ({mood} of 100)")
        self.mood.setAccessibleDescription(f"Patient mood {mood} of 100, {word}")

    def _cap_reply(self) -> None:
        text = self.reply.toPlainText()
        if len(text) > MAX_REPLY_CHARS:
            self.reply.blockSignals(True)
            self.reply.setPlainText(text[:MAX_REPLY_CHARS])
            self.reply.blockSignals(False)
            self.reply.moveCursor(self.reply.textCursor().MoveOperation.End)
            self.hint.setText(f"That was {len(text):,} characters; a reply keeps the first {MAX_REPLY_CHARS:,}.")

    def _add_patient(self, session: CallSession, line: PatientLine) -> None:
        name = escape(session.persona_name)
        marker = " <span style='color:#8a8a8a'>(scripted line)</span>" if line.fallback else ""
        self._bubble(name + marker, line.text, theme.PATIENT_BUBBLE, "left")
        self._update_mood(line.mood)

    def _add_trainee(self, text: str, overall: int, attempt: int = 1) -> None:
        colour = theme.score_colour(overall)
        again = f" · attempt {attempt}" if attempt > 1 else ""
        self._bubble(f"You <span style='color:{colour}'>· {overall}</span>{again}", text, theme.TRAINEE_BUBBLE, "right")

    def _note(self, text: str) -> None:
        self._append(f"<p style='color:{theme.MUTED}; margin:6px 20px'><i>{escape(text)}</i></p>")

    def _bubble(self, who: str, text: str, colour: str, align: str) -> None:
        margin = "margin-left:80px" if align == "right" else "margin-right:80px"
        self._append(
            f"<table width='100%' style='{margin}' cellpadding='10'><tr><td style='background:{colour}'>"
            f"<b>{who}</b><br>{escape(text)}</td></tr></table>"
        )

    def _append(self, html: str) -> None:
        """Add to the end of the transcript (re-rendering the whole call each turn would grow slower)."""
        cursor = self.transcript.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertHtml(html)
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())

    @staticmethod
    def _patient_html(session: CallSession) -> str:
        s = session.scenario
        rows = [
            f"<b style='font-size:large'>{escape(session.persona_name)}</b>, {s.persona.age}",
            f"<span style='color:{theme.MUTED}'>{escape(s.persona.situation)}</span>",
            "",
            f"<b>Your role:</b> {ROLE_NAMES[s.role]}",
        ]
        for key, value in session.account.items():
            rows.append(f"<b>{escape(key.replace('_', ' ').capitalize())}:</b> {escape(str(value))}")
        rows += ["", "<b>Your goals on this call:</b>"] + [f"• {escape(o)}" for o in s.objectives]
        return "<br>".join(rows)
