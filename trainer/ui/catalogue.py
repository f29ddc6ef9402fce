"""Home page: the scenario catalogue, and warnings for scenario files that did not load."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from ..scenarios.loader import Library
from .widgets import label

ROLE_NAMES = {"hospital_billing": "Hospital billing office", "physician_office": "Physician practice",
              "patient_access": "Patient access / registration", "collection_agency": "Third-party collector"}


def problems_summary(library: Library) -> str:
    """One line per file that did not load: its first problem, and how many more it has."""
    by_file: dict[str, list] = {}
    for p in library.problems:
        by_file.setdefault(p.file, []).append(p)
    lines = [f"• {found[0]}" + (f"  (+{len(found) - 1} more)" if len(found) > 1 else "")
             for found in by_file.values()]
    return (f"{len(by_file)} scenario file(s) could not be loaded; run `python main.py validate` for details:\n"
            + "\n".join(lines))


class CataloguePage(QWidget):
    start_requested = Signal(str)  # scenario id
    sign_out_requested = Signal()

    def __init__(self, library: Library):
        super().__init__()
        self.setObjectName("page")
        self.library = library
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 22, 28, 22)
        top = QHBoxLayout()
        self.greeting = label("", "h1")
        top.addWidget(self.greeting, 1)
        out = QPushButton("Sign out")
        out.setAccessibleName("Sign out")
        out.clicked.connect(self.sign_out_requested)
        top.addWidget(out)
        box.addLayout(top)
        box.addWidget(label("Pick a call to practise. Each reply is scored as you go.", "muted"))
        self.warning = label("", "warning")
        self.warning.setVisible(bool(library.problems))
        if library.problems:
            self.warning.setText(problems_summary(library))
            self.warning.setToolTip("\n".join(map(str, library.problems)))
        box.addWidget(self.warning)
        self.list = QListWidget()
        self.list.setAccessibleName("Scenarios")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda item: self.start_requested.emit(item.data(Qt.UserRole)))
        for loaded in library.scenarios:
            s = loaded.scenario
            dots = "●" * s.difficulty + "○" * (5 - s.difficulty)
            text = (f"{s.title}\n{s.summary}\n"
                    f"Difficulty {dots}   ·   {ROLE_NAMES[s.role]}   ·   {', '.join(t.replace('-', ' ') for t in s.crcr_topics)}")
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, s.id)
            self.list.addItem(item)
        box.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.start = QPushButton("Start call")
        self.start.setObjectName("primary")
        self.start.setAccessibleName("Start the selected call")
        self.start.clicked.connect(self._start_selected)
        row.addWidget(self.start)
        box.addLayout(row)
        if self.list.count():
            self.list.setCurrentRow(0)

    def show_trainee(self, name: str) -> None:
        self.greeting.setText(f"Hello, {name}")
        self.list.setFocus()

    def _start_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.start_requested.emit(item.data(Qt.UserRole))
