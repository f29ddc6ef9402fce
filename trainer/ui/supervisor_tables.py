"""The supervisor area's two tables: every trainee with their means, and the selected trainee's calls.

Both fit the width they are given: a long name or call title is cut with …, and at large text sizes the
score columns take short headings (the full words stay in each heading's tooltip), so every score shows
without scrolling sideways."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTableWidgetItem

from . import theme
from .debrief import ENDINGS
from .widgets import plain_tip

COLUMNS = ("Name", "Badge", "Calls", "Last active", "Empathy", "Clarity", "Compliance", "Overall", "Blocked")
SHORT = ("Name", "Badge", "Calls", "Last", "Emp.", "Clar.", "Comp.", "Overall", "Blk.")
KEYS = ("name", "badge", "sessions", "last_active", "empathy", "clarity", "compliance", "overall", "blocked")
NAME_ROOM = 180  # px the name column keeps before the headings are shortened


def trainee_item(value, numeric: bool = False) -> QStandardItem:
    item = QStandardItem("" if value is None else str(value))
    item.setEditable(False)
    if numeric:
        item.setData(-1 if value is None else value, Qt.ItemDataRole.UserRole + 1)  # sort numbers as numbers
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    else:
        item.setData(str(value or "").lower(), Qt.ItemDataRole.UserRole + 1)
    return item


def trainee_model() -> QStandardItemModel:
    model = QStandardItemModel(0, len(COLUMNS))
    model.setHorizontalHeaderLabels(COLUMNS)
    for c, name in enumerate(COLUMNS):
        model.setHeaderData(c, Qt.Orientation.Horizontal, name, Qt.ItemDataRole.ToolTipRole)
    return model


def fit_trainee_columns(table: QTableView, model: QStandardItemModel) -> None:
    """Size the columns to their contents; shorten the headings when full ones would leave the name no room."""
    header = table.horizontalHeader()
    for labels in (COLUMNS, SHORT):
        for c, name in enumerate(labels):
            model.setHeaderData(c, Qt.Orientation.Horizontal, name)
        for c in range(1, len(COLUMNS)):
            table.resizeColumnToContents(c)
        used = sum(header.sectionSize(c) for c in range(1, len(COLUMNS)))
        if used + NAME_ROOM <= table.viewport().width():
            break
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)


class ColumnFitter(QObject):
    """Refits the trainee table's columns whenever its width changes (window, splitter, text size)."""

    def __init__(self, table: QTableView, model: QStandardItemModel):
        super().__init__(table)
        self.table, self.model = table, model
        self._timer = QTimer(self, singleShot=True, interval=50)  # once a drag or a resize has settled
        self._timer.timeout.connect(lambda: self.fit(force=False))
        self._width = -1
        table.installEventFilter(self)

    def fit(self, force: bool = True) -> None:
        if force or self.table.viewport().width() != self._width:
            self._width = self.table.viewport().width()
            fit_trainee_columns(self.table, self.model)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:  # (the viewport takes its new width after this event)
            self._timer.start()
        return False


def calls_table() -> QTableWidget:
    """One row per call: the title over when it was and how it ended, then the overall score."""
    table = QTableWidget(0, 2)
    table.setHorizontalHeaderLabels(["Call", "Overall"])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)  # a long title ends in …; its tooltip has it whole
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    table.setAccessibleName("The selected trainee's calls; select one to review it")
    return table


def outcome(call: dict) -> str:
    words = [call["started_at"][:16].replace("T", " "), call["status"]]
    if call.get("ending"):
        words.append(ENDINGS.get(call["ending"], call["ending"]).lower())
    if call.get("blocked"):
        words.append("compliance blocker")
    return " · ".join(words)


def fill_calls(table: QTableWidget, history: list[dict]) -> None:
    table.setRowCount(len(history))
    for r, call in enumerate(history):
        title = call["scenario_title"] or call.get("scenario_id", "")
        what = QTableWidgetItem(f"{title}\n{outcome(call)}")
        plain_tip(what, f"{title}\n{outcome(call)}")
        score = QTableWidgetItem("" if call.get("overall") is None else str(call["overall"]))
        score.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        if call.get("blocked"):
            score.setForeground(QColor(theme.BAD))
        for c, item in enumerate((what, score)):
            item.setData(Qt.ItemDataRole.UserRole, call["id"])
            table.setItem(r, c, item)
    table.resizeRowsToContents()
