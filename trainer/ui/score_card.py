"""The score card shown after each reply: three scores, the reply with its evidence, what to try."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QToolTip,
    QVBoxLayout,
)

from ..domain import DIMENSIONS, Score
from . import theme
from .widgets import escape, label, plain_tip


def set_bar_colour(bar, colour: str) -> None:
    """Colour a progress bar's fill; a style sheet is only set when the colour changes (restyling is slow)."""
    if bar.property("fill") != colour:
        bar.setProperty("fill", colour)
        bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; border-radius: 5px; }}")


def evidence_spans(score: Score) -> list[tuple[int, int, int, str]]:
    return sorted({(e.start, e.end, e.points, e.reason) for d in score.dimensions() for e in d.evidence})


def highlighted_reply(reply: str, score: Score) -> str:
    """The reply as HTML, each evidence span coloured and linked (ev:N) to its reason.

    Where spans overlap, the shortest wins, so a word-level reason stays visible
    inside a sentence-level one.
    """
    spans = evidence_spans(score)
    owner = [-1] * len(reply)
    for i in sorted(range(len(spans)), key=lambda i: spans[i][1] - spans[i][0], reverse=True):
        start, end = spans[i][0], min(spans[i][1], len(reply))
        owner[start:end] = [i] * (end - start)
    out, pos = [], 0
    while pos < len(reply):
        i, end = owner[pos], pos
        while end < len(reply) and owner[end] == i:
            end += 1
        text = escape(reply[pos:end])
        if i < 0:
            out.append(text)
        else:
            points = spans[i][2]
            colour = "#c9f0dc" if points > 0 else "#fde2e2" if points < 0 else "#e6f0ff"
            out.append(f'<a href="ev:{i}" style="background:{colour}; color:{theme.INK}; text-decoration:none">{text}</a>')
        pos = end
    return "".join(out)


class ScoreCard(QFrame):
    retry_requested = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("card")
        self.setAccessibleName("Score for your last reply")
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 14, 16, 14)
        head = QHBoxLayout()
        self.title = label("Your last reply", "h2")
        head.addWidget(self.title, 1)
        self.retry = QPushButton("Retry this turn")
        self.retry.setAccessibleName("Retry this turn: answer the same line again; the first try is kept")
        self.retry.clicked.connect(self.retry_requested)
        self.retry.setEnabled(False)
        head.addWidget(self.retry)
        box.addLayout(head)
        grid = QGridLayout()
        self.bars: dict[str, tuple[QProgressBar, QLabel]] = {}
        for row, name in enumerate(DIMENSIONS):
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setTextVisible(False)
            bar.setAccessibleName(f"{name} score")
            value = QLabel("–")
            value.setMinimumWidth(40)
            grid.addWidget(QLabel(name.capitalize()), row, 0)
            grid.addWidget(bar, row, 1)
            grid.addWidget(value, row, 2)
            self.bars[name] = (bar, value)
        box.addLayout(grid)
        self.blockers = label("", "")
        self.blockers.setStyleSheet(f"color: {theme.BAD}; font-weight: 600;")
        box.addWidget(self.blockers)
        self.reply = QTextBrowser()
        self.reply.setOpenLinks(False)
        # Tab moves through the highlighted parts; each one's reason shows as it is focused or hovered.
        self.reply.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.reply.setAccessibleName("Your reply with the parts that earned or cost points highlighted")
        self.reply.highlighted.connect(self._show_reason)
        self.reply.setMaximumHeight(120)
        box.addWidget(self.reply)
        self.opinion = label("", "muted")  # the optional language-model judge: an opinion, never the score
        self.opinion.setTextFormat(Qt.TextFormat.PlainText)  # a model's words are never markup
        self.opinion.setAccessibleName("Second opinion from a language model")
        self.opinion.hide()
        box.addWidget(self.opinion)
        self.details = QTextBrowser()
        self.details.setAccessibleName("Reasons, suggestion and a model answer")
        box.addWidget(self.details, 1)
        self._reasons: list[str] = []
        self._body = ""  # the reasons' HTML, shown without the model answer during a retry
        self.clear()

    def clear(self) -> None:
        for bar, value in self.bars.values():
            bar.setValue(0)
            value.setText("–")
        self.blockers.hide()
        self.retry.setEnabled(False)
        self.opinion.hide()
        self.reply.setHtml(f"<span style='color:{theme.MUTED}'>Your reply and its score appear here.</span>")
        self.details.clear()

    def show_opinion(self, text: str) -> None:
        self.opinion.setText(text)
        self.opinion.show()

    def show_score(self, reply: str, score: Score, model_answer: str, can_retry: bool = False) -> None:
        self.retry.setEnabled(can_retry)
        self.opinion.hide()
        for d in score.dimensions():
            bar, value = self.bars[d.name]
            bar.setValue(d.score if d.applicable else 0)
            set_bar_colour(bar, theme.score_colour(d.score))
            value.setText(str(d.score) if d.applicable else "n/a")
            value.setToolTip("" if d.applicable else "The patient's line gave no opening for this.")
        if score.blockers:
            self.blockers.setText("Blocker: " + "; ".join(f"{b.title} ({b.source})" for b in score.blockers))
            self.blockers.show()
        else:
            self.blockers.hide()
        self._reasons = [f"{p:+d}: {r}" if p else r for _, _, p, r in evidence_spans(score)]
        self.reply.setHtml(highlighted_reply(reply, score))
        html = []
        for note in score.notices:
            html.append(f"<p style='color:{theme.WARN}'>{escape(note)}</p>")
        for d in score.dimensions():
            colour = theme.score_colour(d.score)
            html.append(
                f"<p><b style='color:{colour}'>{d.name.capitalize()}</b>"
                + ("" if d.applicable else " <i>(not applicable this turn)</i>")
                + "<br>"
            )
            html.append(
                "<br>".join(f"&nbsp;&nbsp;{escape(r)}" for r in d.reasons)
                or "&nbsp;&nbsp;nothing in this reply raised or met a rule"
            )
            if d.suggestion:
                html.append(f"<br>&nbsp;&nbsp;<b>Try:</b> {escape(d.suggestion)}")
            html.append("</p>")
        self._body = "".join(html)
        answer = f"<p><b>A strong reply here:</b><br><i>{escape(model_answer)}</i></p>" if model_answer else ""
        self.details.setHtml(self._body + answer)

    def hide_model_answer(self) -> None:
        """During a retry the better answer is hidden, so it cannot be copied; the next score shows it again."""
        self.details.setHtml(self._body + "<p><i>The strong reply is shown again after your retry is scored.</i></p>")

    def _show_reason(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("ev:"):
            index = int(text[3:])
            if index < len(self._reasons):
                QToolTip.showText(QCursor.pos(), self._reasons[index], self.reply)
                plain_tip(self.reply, self._reasons[index])
                self.reply.setAccessibleDescription(self._reasons[index])
