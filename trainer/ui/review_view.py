"""Review a real call: open a transcript, see what was redacted, add names to redact, and read every staff
turn's scores, evidence and blockers. Only redacted text is ever shown, and always as plain text."""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..console import format_score
from ..domain import ROLES
from ..review.decode import TranscriptError
from ..review.parse import Transcript, read_transcript
from ..review.redact import KINDS, describe_counts
from ..review.score import Review, call_redactor, review_transcript, source_name
from ..scoring.rules import rule_title
from .widgets import button, label
from .workers import Cancelled, run_in_background

GUESS = "Guess from the labels"
REDACTED = QColor("#ffe9a8")
GOOD, BAD, NOTE = QColor("#c9f0dc"), QColor("#fde2e2"), QColor("#e6f0ff")
FILTER = "Transcripts (*.txt *.vtt *.srt *.csv);;All files (*)"


def plain_label(text: str = "", name: str = "") -> QLabel:
    """A label that never reads its text as rich text (file names and transcript words come from outside)."""
    w = label(text, name)
    w.setTextFormat(Qt.TextFormat.PlainText)
    return w


class ReviewDialog(QDialog):
    """save(review) stores a redacted review (its return value is shown as its id); None hides the Save button."""

    def __init__(
        self, save: Callable[[Review], object] | None = None, parent: QWidget | None = None, role: str = "hospital_billing"
    ):
        super().__init__(parent)
        self.setWindowTitle("Review a real call")
        self.resize(1100, 720)
        self._save = save
        self.transcript: Transcript | None = None  # the original words: kept in memory only, never shown
        self.review: Review | None = None
        self.names: list[str] = []
        self._cancel: threading.Event | None = None
        self._offsets: dict[int, int] = {}  # turn index -> where its words start in the transcript view
        box = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(button("Open transcript…", "Open a call transcript: text, WebVTT, SRT or CSV", self.choose_file))
        self.file_label = plain_label(
            "No transcript open. Names, dates and numbers are redacted before anything "
            "is shown or stored; nothing leaves this computer.",
            "muted",
        )
        top.addWidget(self.file_label, 1)
        box.addLayout(top)

        options = QHBoxLayout()
        self.staff = QComboBox()
        self.staff.setAccessibleName("Which speaker is the staff member")
        self.staff.addItem(GUESS)
        self.role = QComboBox()
        self.role.setAccessibleName("Who the staff member works for (sets the compliance rules)")
        self.role.addItems(ROLES)
        self.role.setCurrentText(role if role in ROLES else ROLES[0])
        self.name_field = QLineEdit()
        self.name_field.setPlaceholderText("A name to redact")
        self.name_field.setAccessibleName("A name to redact")
        self.name_field.returnPressed.connect(self.add_name)
        self.rescore_button = button("Score again", "Redact and score the transcript again with these choices", self.rescore)
        for w in (
            QLabel("Staff:"),
            self.staff,
            QLabel("Role:"),
            self.role,
            self.name_field,
            button("Redact name", "Add this name to the names redacted", self.add_name),
            self.rescore_button,
        ):
            options.addWidget(w)
        box.addLayout(options)
        self.names_label = plain_label("", "muted")
        box.addWidget(self.names_label)
        self.status = plain_label("", "muted")
        box.addWidget(self.status)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("The redacted transcript; redactions are highlighted")
        lbox.addWidget(self.text, 3)
        lbox.addWidget(plain_label("Redacted", "h2"))
        self.redactions = QListWidget()
        self.redactions.setAccessibleName("What was redacted, by line")
        lbox.addWidget(self.redactions, 1)
        split.addWidget(left)
        right = QWidget()
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(0, 0, 0, 0)
        self.summary = plain_label("", "h2")
        rbox.addWidget(self.summary)
        self.turns = QListWidget()
        self.turns.setAccessibleName("Staff turns with their overall score")
        self.turns.currentRowChanged.connect(self.show_turn)
        rbox.addWidget(self.turns, 1)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("The selected staff turn's scores, evidence and blockers")
        rbox.addWidget(self.detail, 2)
        split.addWidget(right)
        split.setSizes([600, 500])
        box.addWidget(split, 1)

        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.save_button = button("Save review", "Store the redacted review", self.save_review)
        self.save_button.setObjectName("primary")
        self.save_button.setEnabled(False)
        self.save_button.setVisible(save is not None)
        bottom.addWidget(self.save_button)
        bottom.addWidget(button("Close", "Close the review", self.reject))
        box.addLayout(bottom)

    # opening and scoring
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a call transcript", "", FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str | Path) -> bool:
        """Read a transcript and score it; False (with the reason shown) when it is refused."""
        try:
            transcript = read_transcript(path)
        except TranscriptError as e:
            self._fail(str(e))
            return False
        self.transcript = transcript
        redactor = call_redactor(transcript, self.names)  # the file's name and the labels may hold a name
        self.file_label.setText(f"{source_name(transcript.name, redactor)}: {transcript.format}, {len(transcript.turns)} turns")
        self.staff.clear()  # a new call: the staff speaker is guessed again unless chosen
        self._list_speakers([(s, redactor.scrub(s)) for s in transcript.speakers])
        self.rescore()
        return True

    def add_name(self) -> None:
        name = " ".join(self.name_field.text().split())
        if name and name.lower() not in (n.lower() for n in self.names):
            self.names.append(name)
            self.names_label.setText(f"Also redacted: {len(self.names)} name(s) you added.")
        self.name_field.clear()
        if self.transcript is not None:
            self.rescore()

    def rescore(self) -> None:
        if self.transcript is None:
            return
        if self._cancel is not None:
            self._cancel.set()
        transcript, names = self.transcript, list(self.names)
        staff = self.staff.currentData()  # the original label (None: guess)
        role = self.role.currentText()
        self.save_button.setEnabled(False)
        self.rescore_button.setEnabled(False)
        self.status.setText("Redacting and scoring…")

        def work(cancel: threading.Event) -> Review:
            def progress(done: int, total: int) -> None:
                if cancel.is_set():
                    raise Cancelled()

            return review_transcript(transcript, staff, role, names, progress=progress)

        cancel = run_in_background(work, lambda review: self._done(review, cancel), lambda message: self._failed(message, cancel))
        self._cancel = cancel

    def _done(self, review: object, cancel: threading.Event) -> None:
        if cancel is not self._cancel or not isinstance(review, Review):
            return  # a later run replaced this one
        self._cancel = None
        self.rescore_button.setEnabled(True)
        self.show_review(review)

    def _failed(self, message: str, cancel: threading.Event) -> None:
        if cancel is not self._cancel:
            return  # a run that was replaced (and cancelled) says nothing
        self._cancel = None
        self.rescore_button.setEnabled(True)
        if message != "Cancelled.":
            self._fail(message)

    def _fail(self, message: str) -> None:
        self.review = None
        self.save_button.setEnabled(False)
        self.status.setText(message)
        self.text.clear()
        self.redactions.clear()
        self.turns.clear()
        self.detail.clear()
        self.summary.clear()

    # showing a review
    def show_review(self, review: Review) -> None:
        self.review = review
        if self.transcript is not None:  # names added since may redact more of a label
            self._list_speakers([(o, r.speaker) for o, r in zip((t.speaker for t in self.transcript.turns), review.turns)])
        parts, self._offsets, pos = [], {}, 0
        for t in review.turns:
            head = f"{'STAFF ' if t.staff else ''}{t.speaker} (line {t.line}): "
            self._offsets[t.index] = pos + len(head)
            parts.append(f"{head}{t.text}\n\n")
            pos += len(parts[-1])
        self.text.setPlainText("".join(parts))
        self.redactions.clear()
        for t in review.turns:
            for r in t.redacted.redactions:
                self.redactions.addItem(f"line {t.line} · {KINDS[r.kind][1]} · {t.text[r.start : r.end]}")
        self.turns.clear()
        for t in review.staff_turns:
            s = t.score
            blocked = f" · BLOCKED: {', '.join(rule_title(b.rule_id) for b in s.blockers)}" if s and s.blockers else ""
            item = QListWidgetItem(f"line {t.line} · overall {s.overall if s else 0}{blocked}")
            item.setData(Qt.ItemDataRole.UserRole, t.index)
            self.turns.addItem(item)
        summary = review.summary()
        dims = "  ".join(f"{k} {'n/a' if v is None else v}" for k, v in summary.dimensions.items())
        self.summary.setText(
            f"{summary.turns} staff turns · {dims} · overall {summary.overall}" + (" · blocked" if summary.blockers else "")
        )
        counts = review.redaction_counts()
        found = (
            f"Redacted: {describe_counts(counts)}."
            if counts
            else "Nothing was found to redact: add any names the patterns missed."
        )
        self.status.setText(" ".join([found] + review.notices))
        self.save_button.setEnabled(True)
        self._highlight(None)
        if self.turns.count():
            self.turns.setCurrentRow(0)

    def _list_speakers(self, pairs: list[tuple[str, str]]) -> None:
        """The staff choices, shown by their redacted labels (a label may be a name), each holding the original."""
        chosen = self.staff.currentData()
        shown: dict[str, str] = {}
        for original, redacted in pairs:
            shown.setdefault(original, redacted)
        self.staff.clear()
        self.staff.addItem(GUESS, None)
        for original, redacted in shown.items():
            self.staff.addItem(redacted, original)
        self.staff.setCurrentIndex(max(0, self.staff.findData(chosen)) if chosen else 0)

    def show_turn(self, row: int) -> None:
        if self.review is None or row < 0:
            self.detail.clear()
            return
        turn = self.review.turns[self.turns.item(row).data(Qt.ItemDataRole.UserRole)]
        before = self.review.turns[turn.index - 1] if turn.index else None
        head = f"Line {turn.line}, {turn.speaker}\n"
        if before is not None and not before.staff:
            head += f"after {before.speaker}: {before.text}\n"
        self.detail.setPlainText(head + "\n" + (format_score(turn.score, turn.text) if turn.score else ""))
        self._highlight(turn.index)

    def _highlight(self, turn_index: int | None) -> None:
        """Redactions always; the selected turn's evidence too (green earned, red cost)."""
        to_qt = _utf16_positions(self.text.toPlainText())
        selections = []

        def mark(start: int, end: int, colour: QColor) -> None:
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(colour)
            sel.format = fmt
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(to_qt(start))
            cursor.setPosition(to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)

        for t in self.review.turns if self.review else []:
            base = self._offsets[t.index]
            if t.index == turn_index and t.score:
                for d in t.score.dimensions():
                    for e in d.evidence:
                        mark(base + e.start, base + e.end, GOOD if e.points > 0 else BAD if e.points < 0 else NOTE)
            for r in t.redacted.redactions:
                mark(base + r.start, base + r.end, REDACTED)
        self.text.setExtraSelections(selections)
        if turn_index is not None:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(to_qt(self._offsets[turn_index]))
            self.text.setTextCursor(cursor)
            self.text.centerCursor()

    def save_review(self) -> None:
        if self.review is None or self._save is None:
            return
        try:
            saved = self._save(self.review)
        except Exception as e:  # shown in the window; the review stays on screen to try again
            self.status.setText(f"Could not save the review: {e}")
            return
        self.save_button.setEnabled(False)
        self.status.setText(f"Saved the redacted review{f' ({saved})' if saved else ''}.")

    def done(self, result: int) -> None:
        if self._cancel is not None:
            self._cancel.set()
        self.transcript = None  # the original words go with the window
        super().done(result)


def _utf16_positions(text: str) -> Callable[[int], int]:
    """Python index -> Qt position: Qt counts UTF-16 units, so each character past U+FFFF (an emoji) counts twice."""
    wide = [i for i, c in enumerate(text) if c > "\uffff"] if not text.isascii() else []
    return lambda index: index + bisect_left(wide, index)
