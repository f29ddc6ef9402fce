"""The class summary, in the supervisor area: means per dimension, per CRCR topic and per scenario
(weakest first), and the most common compliance blockers."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ..scenarios.schema import TOPIC_LABELS
from ..scoring.rules import rule_title
from ..store.queries import DIMENSIONS  # with overall
from .widgets import escape

HEADS = ("Calls", "Scored") + tuple(d.capitalize() for d in DIMENSIONS)


def _cell(value) -> str:
    return (
        "<td align='right'>"
        + ("–" if value is None else f"{value:.0f}" if isinstance(value, float) else escape(str(value)))
        + "</td>"
    )


def _table(first: str, rows: list[tuple[str, dict]]) -> str:
    head = f"<tr><th align='left'>{escape(first)}</th>" + "".join(f"<th>{h}</th>" for h in HEADS) + "</tr>"
    body = "".join(
        f"<tr><td>{escape(name)}</td>{_cell(r['sessions'])}{_cell(r['scored'])}"
        + "".join(_cell(r[d]) for d in DIMENSIONS)
        + "</tr>"
        for name, r in rows
    )
    return f"<table cellspacing='0' cellpadding='3'>{head}{body}</table>"


def summary_html(summary: dict) -> str:
    """The summary (queries.class_summary) as HTML."""
    whole = {"sessions": summary["sessions"], "scored": summary["scored"], **summary["dimensions"]}
    out = [
        f"<p>{summary['trainees']} trainee(s), {summary['sessions']} call(s), {summary['scored']} scored, "
        f"{summary['passed']} passed, {summary['blocked_sessions']} with a compliance blocker.</p>",
        _table("", [("Whole class", whole)]),
        "<h3>By CRCR topic (weakest first)</h3>",
        _table("Topic", [(TOPIC_LABELS.get(r["topic"], r["topic"]), r) for r in summary["topics"]]),
        "<h3>By scenario (weakest first)</h3>",
        _table("Scenario", [(r["title"] or r["scenario_id"], r) for r in summary["scenarios"]]),
        "<h3>Most common compliance blockers</h3>",
    ]
    if summary["blockers"]:
        out.append(
            "<ul>"
            + "".join(
                f"<li><b>{escape(rule_title(b['rule_id']))}</b>: "
                f"{b['turns']} {'reply' if b['turns'] == 1 else 'replies'} in {b['sessions']} call(s)</li>"
                for b in summary["blockers"]
            )
            + "</ul>"
        )
    else:
        out.append("<p>None.</p>")
    return "".join(out)


class ClassSummaryDialog(QDialog):
    def __init__(self, summary: dict, parent: QWidget | None = None):
        """summary: trainer.store.queries.class_summary's answer (worked out on the store's thread)."""
        super().__init__(parent)
        self.setWindowTitle("Class summary")
        self.resize(900, 640)
        self.view = QTextBrowser()
        self.view.setAccessibleName("Class summary")
        self.view.setHtml(summary_html(summary))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.view, 1)
        box.addWidget(buttons)
