"""Supervisor area: every trainee, their calls, any call's transcript and scores, comments and overrides,
exports, and kiosk bundles (export this database's calls; import other kiosks')."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain import DIMENSIONS
from ..scoring.rules import rule_title
from ..verdict import verdict_words
from ..store import queries
from ..store.worker import StoreThread
from . import theme
from .supervisor_jobs import ClassDataJobs
from .supervisor_tables import KEYS, ColumnFitter, calls_table, fill_calls, trainee_item, trainee_model
from .widgets import FlowLayout, box_of, button, card, escape, label

TABLE_LIMIT = 2000  # rows shown at once; the search box narrows a larger class


def _na(value: int | None) -> str:
    return "n/a" if value is None else str(value)


class SupervisorPage(ClassDataJobs):
    close_requested = Signal()

    def __init__(self, data: StoreThread, library, data_dir: Path):
        super().__init__()
        self.setObjectName("page")
        self.data = data  # every query runs on the store's thread
        self.store = data.proxy()
        self.library = library
        self.data_dir = data_dir
        self.trainee_id: str | None = None
        self.session_id: str | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 14, 20, 14)
        top = QHBoxLayout()
        top.addWidget(label("Supervisor", "h1"), 1)
        actions = FlowLayout()  # wraps onto a second line rather than widen the window (large text)
        self.summary = button(
            "Class summary", "Means per dimension, CRCR topic and scenario, and the most common blockers", self.show_class_summary
        )
        self.import_bundle = button("Import bundles…", "Import bundle files exported on other kiosks", self.choose_bundle_files)
        self.export_bundle = button(
            "Export bundle…", "Export this computer's calls as a bundle file, e.g. to a USB stick", self.choose_bundle_folder
        )
        self.export_csv = button("Export CSV…", "Export every session and turn as CSV files", self.choose_csv_folder)
        self.export_pdf = button("Report card (PDF)…", "Export a PDF report card for the selected trainee", self.choose_pdf_file)
        self.reset_pin = button(
            "Reset trainee PIN", "The selected trainee chooses a new PIN at their next sign-in", self.reset_trainee_pin
        )
        self.assign = button(
            "Assignments…",
            "Assign calls to a trainee or the class, with a due date; see who has done them",
            self.open_assignments,
        )
        self.review = button(
            "Review a real call…",
            "Score a real call's transcript with the same scorer; names, "
            "dates and numbers are redacted first and nothing leaves this computer",
            self.open_review,
        )
        self.lrs = button("Learning record store…", "Where finished calls are sent as xAPI statements; send now", self.open_lrs)
        close = button("Close supervisor area", "Close the supervisor area", self.close_requested)
        top.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        for w in (
            self.summary,
            self.import_bundle,
            self.export_bundle,
            self.export_csv,
            self.export_pdf,
            self.reset_pin,
            self.assign,
            self.review,
            self.lrs,
        ):
            actions.addWidget(w)
        box.addLayout(top)
        box.addLayout(actions)
        self.status = label("", "muted")
        box.addWidget(self.status)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search trainees by name or badge…")
        self.search.setAccessibleName("Search trainees")
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.model = trainee_model()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole + 1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Trainees: sort by any column; select one to see their calls")
        self.table.verticalHeader().hide()
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)  # a long name is cut with …, the scores always show
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setMinimumHeight(120)
        self.fitter = ColumnFitter(self.table, self.model)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._trainee_selected)
        left = QWidget()
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        lbox.addWidget(self.search)
        lbox.addWidget(self.table, 1)

        self.sessions = calls_table()
        self.sessions.itemSelectionChanged.connect(self._session_selected)

        self.detail = QTextBrowser()
        self.detail.setAccessibleName("The selected call's transcript, scores and supervisor notes")
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("Comment, or the reason for an override")
        self.comment.setAccessibleName("Comment or reason")
        self.override_dim = QComboBox()
        self.override_dim.setAccessibleName("Score to override")
        self.override_dim.addItem("Comment only", None)
        for name in DIMENSIONS + ("overall",):
            self.override_dim.addItem(f"Override {name}", name)
        self.override_value = QSpinBox()
        self.override_value.setRange(0, 100)
        self.override_value.setAccessibleName("Override score")
        self.add_note = QPushButton("Add")
        self.add_note.setObjectName("primary")
        self.add_note.setAccessibleName("Add the comment or override")
        self.add_note.clicked.connect(self.add_annotation)
        self.note_hint = label("", "hint")
        form = QHBoxLayout()
        form.addWidget(self.override_dim, 1)
        form.addWidget(self.override_value)
        form.addWidget(self.add_note)
        right = card(label("Call review", "h2"), self.detail, self.comment)
        box_of(right).addLayout(form)
        box_of(right).addWidget(self.note_hint)

        # trainees across the whole width (every score column shows at 1280 px), their calls and the
        # selected call's review side by side below
        middle = card(label("Calls", "h2"), self.sessions)
        middle.setMinimumWidth(300)
        right.setMinimumWidth(340)
        below = QSplitter(Qt.Orientation.Horizontal)
        below.addWidget(middle)
        below.addWidget(right)
        below.setSizes([560, 680])
        below.setChildrenCollapsible(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(left)
        split.addWidget(below)
        split.setSizes([200, 460])  # most of the height for reading a call
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        box.addWidget(split, 1)
        self.split = split
        self.lock()

    # opening and closing
    def unlock(self) -> None:
        self.reload()
        self.search.setFocus()

    def lock(self) -> None:
        """Forget everything shown, so nothing stays on screen after the area is closed."""
        self.model.removeRows(0, self.model.rowCount())
        self.sessions.setRowCount(0)
        self.detail.clear()
        self.comment.clear()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.trainee_id = self.session_id = None
        self.status.clear()
        self.note_hint.clear()

    def reload(self) -> None:
        rows = self.data.call(queries.trainee_table, search=self.search.text().strip(), limit=TABLE_LIMIT)
        self.model.removeRows(0, self.model.rowCount())
        for row in rows:
            shown = {k: round(v) if isinstance(v, float) else v for k, v in row.items()}
            shown["last_active"] = (row.get("last_active") or "")[:10]
            items = [trainee_item(shown.get(k), numeric=k not in ("name", "badge", "last_active")) for k in KEYS]
            items[0].setData(row["id"], Qt.ItemDataRole.UserRole + 2)
            self.model.appendRow(items)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.fitter.fit()
        more = f" (showing the first {TABLE_LIMIT}; search to narrow)" if len(rows) >= TABLE_LIMIT else ""
        self.status.setText(
            f"{len(rows)} trainee(s){more}."
            if rows
            else "No trainees match."
            if self.search.text()
            else "No trainees yet: their calls appear here once they have practised."
        )

    # selection
    def _trainee_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self.trainee_id = self.proxy.index(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole + 2)
        history = self.data.call(queries.trainee_history, self.trainee_id)
        fill_calls(self.sessions, history)
        self.detail.clear()
        self.session_id = None

    def _session_selected(self) -> None:
        items = self.sessions.selectedItems()
        if items:
            self.session_id = items[0].data(Qt.ItemDataRole.UserRole)
            self.show_session(self.session_id)

    def show_session(self, session_id: str) -> None:
        s = self.store.session(session_id)
        verdict = verdict_words(s["status"], bool(s["passed"]))
        automatic = verdict_words(s["status"], bool(s["auto_passed"]))
        html = [
            f"<h3>{escape(s['scenario_title'])}</h3><p>{escape(s['status'])}"
            f"{' · ' + escape(s['ending']) if s.get('ending') else ''} · rubric {escape(s['rubric_version'])}<br>"
            f"Automatic scores: empathy {s.get('empathy')}, clarity {s.get('clarity')}, "
            f"compliance {s.get('compliance')}, overall {s.get('overall')}"
            f"{' · <b style=color:' + theme.BAD + '>blocked</b>' if s.get('blocked') else ''}<br>"
            f"<b>Verdict: {escape(verdict)}</b>"
            + (f" (supervisor) · automatic: {escape(automatic)}" if verdict != automatic else "")
            + "</p>"
        ]
        for note in self.store.annotations(session_id):
            what = {
                "override": f"override {note['dimension']} → {note['value']}",
                "blocker": f"lifted the blocker “{rule_title(note.get('rule_id') or '')}”",
            }.get(note["kind"], "comment")
            html.append(
                f"<p style='background:#fff4d6; padding:4px'><b>{escape(note['author'])}</b> ({what}): "
                f"{escape(note.get('text') or '')}</p>"
            )
        turns = self.store.turns(session_id)
        self._offer_blockers(sorted({b.rule_id for t in turns if t.score for b in t.score.blockers}))
        for t in turns:
            blockers = t.score.blockers if t.score else []
            problem = f"<br><i>{escape(t.problem)}</i>" if t.problem else ""
            html.append(
                f"<p><b>Patient:</b> {escape(t.patient_text)}<br>"
                f"<b>Trainee</b> (try {t.attempt}): {escape(t.reply)}<br>"
                f"<span style='color:{theme.MUTED}'>empathy {_na(t.empathy)} · clarity {_na(t.clarity)} · "
                f"compliance {_na(t.compliance)} · overall {t.overall}</span>{problem}"
                + "".join(
                    f"<br><b style='color:{theme.BAD}'>Blocker: {escape(b.title)} ({escape(b.source)})</b>" for b in blockers
                )
                + "</p>"
            )
        self.detail.setHtml("".join(html))

    # comments and overrides
    def add_annotation(self) -> None:
        if not self.session_id:
            self.note_hint.setText("Select a call first.")
            return
        text = self.comment.text().strip()
        choice = self.override_dim.currentData()
        if not text:
            self.note_hint.setText("Write a comment, or the reason for the override.")
            return
        if isinstance(choice, tuple):  # ("blocker", rule id): lift one blocker, with this reason
            self.store.add_annotation(self.session_id, "supervisor", "blocker", text, rule_id=choice[1])
        else:
            self.store.add_annotation(
                self.session_id,
                "supervisor",
                "override" if choice else "comment",
                text,
                dimension=choice,
                value=self.override_value.value() if choice else None,
            )
        self.comment.clear()
        self.override_dim.setCurrentIndex(0)
        self.note_hint.setText("Saved. The automatic score stays beside it.")
        self.show_session(self.session_id)

    def _offer_blockers(self, rules: list[str]) -> None:
        """The override menu: a comment, one dimension, or lifting one of this call's blockers."""
        for i in reversed(range(self.override_dim.count())):
            if isinstance(self.override_dim.itemData(i), tuple):
                self.override_dim.removeItem(i)
        for rule in rules:
            self.override_dim.addItem(f"Lift blocker: {rule_title(rule)}", ("blocker", rule))

    def reset_trainee_pin(self) -> None:
        from ..store.pins import reset_trainee_pin

        if not self.trainee_id:
            self.note_hint.setText("Select a trainee first.")
            return
        self.data.call(reset_trainee_pin, self.trainee_id)
        self.note_hint.setText("Done: the trainee chooses a new PIN at their next sign-in.")

    def open_assignments(self) -> None:
        from .assign_dialog import AssignDialog

        AssignDialog(self.data, self.library, author="supervisor", parent=self).exec()

    def open_review(self) -> None:
        """A real call's transcript, redacted, every staff turn scored; saved (redacted) on the store's thread."""
        from ..store.reviews import save_review
        from .review_view import ReviewDialog

        dialog = ReviewDialog(save=lambda review: self.data.call(save_review, review, "supervisor"), parent=self)
        self._review_dialog = dialog
        dialog.open()

    def open_lrs(self) -> None:
        from .lrs_panel import lrs_dialog

        self._lrs_dialog = lrs_dialog(self, self.data)  # kept for tests and for a second look
        self._lrs_dialog.open()
