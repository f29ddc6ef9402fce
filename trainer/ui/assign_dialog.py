"""The supervisor's assignments: assign calls to one trainee or the whole class (chosen scenarios, a CRCR
domain, or the trainee's weakest dimension) with a due date and a pass target; see every assignment with its
completion ("12 of 20 done, 3 overdue") and withdraw one.

Self-contained: it is given `data` (a StoreThread: `.call(fn, *args)` runs fn(store, *args) on the store's
thread; this window never runs SQL), the scenario library and the author's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..assignments import AssignmentError, add, class_completion
from ..scenarios.loader import Library
from ..scenarios.schema import CRCR_DOMAIN_LABELS, CRCR_DOMAINS
from ..store.assignments import trainees, withdraw_assignment
from ..verdict import PASS_MARK
from .widgets import button, escape, label

DEFAULT_DAYS = 7  # a new assignment is due in a week unless the supervisor picks another day
HEADERS = ("Due", "Assigned to", "What", "Target", "Done")


def _ask(parent: QWidget, text: str) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Withdraw assignment",
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # it names a trainee and scenario titles
    return box.exec() == QMessageBox.StandardButton.Yes


class AssignDialog(QDialog):
    def __init__(
        self,
        data,
        library: Library,
        author: str = "supervisor",
        today: dt.date | None = None,
        confirm: Callable[[QWidget, str], bool] = _ask,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Assignments")
        self.data = data
        self.library = library
        self.author = author
        self.today = today or dt.date.today()
        self.confirm = confirm
        self.items: list = []  # (Assignment, Completion), as shown in the table
        box = QVBoxLayout(self)
        box.addWidget(label("New assignment", "h2"))
        form = QFormLayout()
        self.who = QComboBox()
        self.who.setAccessibleName("Assign to")
        self.who.addItem("The whole class", None)
        for tid, name in data.call(trainees):
            self.who.addItem(name, tid)  # a combo box shows its items as plain text
        form.addRow("Assign to:", self.who)

        kinds = QHBoxLayout()
        self.kind_group = QButtonGroup(self)
        self.kinds: dict[str, QRadioButton] = {}
        for kind, text in (
            ("scenarios", "Chosen scenarios"),
            ("domain", "A CRCR domain"),
            ("weakest", "Their weakest dimension"),
        ):
            radio = QRadioButton(text)
            radio.setAccessibleName(f"Assign {text.lower()}")
            self.kind_group.addButton(radio)
            self.kinds[kind] = radio
            kinds.addWidget(radio)
            radio.toggled.connect(self._kind_changed)
        form.addRow("What:", kinds)
        self.scenarios = QListWidget()
        self.scenarios.setAccessibleName("Scenarios to assign: tick each one")
        for loaded in sorted(library.scenarios, key=lambda s: (s.scenario.difficulty, s.scenario.title)):
            item = QListWidgetItem(loaded.scenario.title)
            item.setData(Qt.ItemDataRole.UserRole, loaded.scenario.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.scenarios.addItem(item)
        self.scenarios.setMinimumHeight(120)
        form.addRow("Scenarios:", self.scenarios)
        self.domain = QComboBox()
        self.domain.setAccessibleName("CRCR domain to assign")
        present = {d for s in library.scenarios for d in s.scenario.crcr_domains}
        for d in CRCR_DOMAINS:
            if d in present:
                self.domain.addItem(CRCR_DOMAIN_LABELS[d], d)
        form.addRow("Domain:", self.domain)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setAccessibleName("Due date")
        self.due.setMinimumDate(_qdate(self.today))
        self.due.setDate(_qdate(self.today + dt.timedelta(days=DEFAULT_DAYS)))
        form.addRow("Due:", self.due)
        self.target = QSpinBox()
        self.target.setRange(0, 100)
        self.target.setValue(PASS_MARK)
        self.target.setAccessibleName("Pass target: the overall score a call must reach")
        form.addRow("Pass target:", self.target)
        box.addLayout(form)
        self.message = label("", "hint")
        box.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        self.assign = button("Assign", "Save the new assignment", self.save)
        self.assign.setObjectName("primary")
        row.addWidget(self.assign)
        box.addLayout(row)

        box.addWidget(label("Assignments", "h2"))
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setAccessibleName("Assignments with how many have done each")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.table, 1)
        below = QHBoxLayout()
        self.withdraw = button("Withdraw", "Withdraw the selected assignment", self.withdraw_selected)
        self.withdraw.setObjectName("danger")
        below.addStretch(1)
        below.addWidget(self.withdraw)
        below.addWidget(button("Close", "Close the assignments", self.accept))
        box.addLayout(below)
        self.kinds["scenarios"].setChecked(True)
        self.resize(760, 680)
        self.reload()

    def _kind_changed(self) -> None:
        self.scenarios.setEnabled(self.kinds["scenarios"].isChecked())
        self.domain.setEnabled(self.kinds["domain"].isChecked())

    def kind(self) -> str:
        return next(k for k, radio in self.kinds.items() if radio.isChecked())

    def chosen_scenarios(self) -> list[str]:
        return [
            self.scenarios.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.scenarios.count())
            if self.scenarios.item(i).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> str | None:
        """Store the new assignment; its id, or None when a value is wrong (the message says which)."""
        kind = self.kind()
        due = self.due.date().toString("yyyy-MM-dd")
        try:
            aid = self.data.call(
                add,
                self.library,
                author=self.author,
                trainee_id=self.who.currentData(),
                kind=kind,
                scenarios=self.chosen_scenarios() if kind == "scenarios" else (),
                domain=self.domain.currentData() if kind == "domain" else None,
                due=due,
                target=self.target.value(),
                today=self.today,
            )
        except AssignmentError as e:
            self.message.setText(f"Not assigned: {e}.")
            return None
        self.message.setText(f"Assigned to {self.who.currentText()}, due {due}.")
        for i in range(self.scenarios.count()):
            self.scenarios.item(i).setCheckState(Qt.CheckState.Unchecked)
        self.reload()
        return aid

    def reload(self) -> None:
        self.items = self.data.call(class_completion, self.library, self.today)
        self.table.setRowCount(0)
        for a, completion in self.items:
            r = self.table.rowCount()
            self.table.insertRow(r)
            late = self.today > a.due
            cells = (
                a.due.isoformat() + (" (past)" if late else ""),
                a.who(),
                a.what(self.library),
                str(a.target),
                completion.words(),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)  # table items are plain text: names and titles stay as typed
                item.setToolTip(f"<p>{escape(text)}</p>")  # shown as typed (a tooltip may be read as HTML)
                if c == 4 and completion.overdue:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(r, c, item)
        self.withdraw.setEnabled(bool(self.items))

    def withdraw_selected(self) -> bool:
        row = self.table.currentRow()
        if not 0 <= row < len(self.items):
            self.message.setText("Select an assignment to withdraw.")
            return False
        a, _ = self.items[row]
        if not self.confirm(
            self,
            f"Withdraw this assignment to {a.who()}?\n{a.what(self.library)}\n"
            "It stays in the records as withdrawn, and kiosks learn of it with the next bundle.",
        ):
            return False
        try:
            self.data.call(withdraw_assignment, a.id, self.author)
        except ValueError as e:
            self.message.setText(str(e))
            return False
        self.message.setText("Withdrawn.")
        self.reload()
        return True


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)
