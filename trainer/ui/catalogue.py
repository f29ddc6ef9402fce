"""Home page: practise-next pick, filters, and the scenario catalogue with attempts and best scores."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..coach import Pick
from ..progress import ScenarioStats
from ..scenarios.loader import Library
from ..scenarios.schema import CRCR_DOMAIN_LABELS, CRCR_DOMAINS, CRCR_TOPICS, TOPIC_LABELS
from . import theme
from .assigned_panel import AssignedPanel
from .widgets import escape, label, plain_tip

ROLE_NAMES = {
    "hospital_billing": "Hospital billing office",
    "physician_office": "Physician practice",
    "patient_access": "Patient access / registration",
    "collection_agency": "Third-party collector",
}
DIFFICULTY = {1: "Gentle", 2: "Easy", 3: "Moderate", 4: "Hard", 5: "Hostile"}


def topic_name(topic: str) -> str:
    return TOPIC_LABELS.get(topic, topic)


DOMAIN_PREFIX = "domain:"


def matches_tag(scenario, tag: str) -> bool:
    """The filter's choice: nothing, one of HFMA's CRCR domains ("domain:…"), or a finer topic."""
    if not tag:
        return True
    if tag.startswith(DOMAIN_PREFIX):
        return tag[len(DOMAIN_PREFIX) :] in scenario.crcr_domains
    return tag in scenario.crcr_topics


def problems_summary(library: Library) -> str:
    """One line per file that did not load: its first problem, and how many more it has."""
    by_file: dict[str, list] = {}
    for p in library.problems:
        by_file.setdefault(p.file, []).append(p)
    lines = [f"• {found[0]}" + (f"  (+{len(found) - 1} more)" if len(found) > 1 else "") for found in by_file.values()]
    return f"{len(by_file)} scenario file(s) could not be loaded; run `python main.py validate` for details:\n" + "\n".join(lines)


class ScenarioCard(QFrame):
    def __init__(self, loaded, stats: ScenarioStats | None):
        super().__init__()
        s = loaded.scenario
        self.setObjectName("scenarioCard")
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 10)
        top = QHBoxLayout()
        title = label(s.title, "h2")
        top.addWidget(title, 1)
        if stats:
            colour = theme.score_colour(stats.best or 0)
            record = QLabel(
                f"<span style='color:{colour}; font-weight:600'>best {stats.best if stats.best is not None else '–'}"
                f"</span> · {stats.attempts} attempt{'s' if stats.attempts != 1 else ''}"
            )
        else:
            record = QLabel(f"<span style='color:{theme.MUTED}'>not tried yet</span>")
        top.addWidget(record)
        box.addLayout(top)
        box.addWidget(label(s.summary, "muted"))
        dots = "●" * s.difficulty + "○" * (5 - s.difficulty)
        meta = QLabel(
            f"{dots} {DIFFICULTY[s.difficulty]}  ·  {escape(ROLE_NAMES[s.role])}  ·  "
            f"{escape(', '.join(topic_name(t) for t in s.crcr_topics))}"
        )
        meta.setWordWrap(True)
        box.addWidget(meta)
        self.setAccessibleName(
            f"{s.title}. {DIFFICULTY[s.difficulty]}. "
            + (f"Best score {stats.best}, {stats.attempts} attempts." if stats else "Not tried yet.")
        )


class CardList(QListWidget):
    """The calls as cards of one height, worked out for the list's width, so a longer description at a
    large text size grows every card instead of running into its meta line."""

    def __init__(self):
        super().__init__()
        self.setObjectName("cards")  # no item padding (theme): each card fills its row exactly
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._fit = QTimer(self, singleShot=True, interval=0)
        self._fit.timeout.connect(self.even_heights)

    def even_heights(self) -> None:
        cards = [self.itemWidget(self.item(i)) for i in range(self.count())]
        if not cards:
            return
        width = self.viewport().width() - 2 * self.spacing()
        for card in cards:
            card.ensurePolished()  # the style sheet's text size, not the default one
        height = max(card.heightForWidth(width) for card in cards)
        for i in range(self.count()):
            self.item(i).setSizeHint(QSize(width, height))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit.start()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit.start()  # a new text size: the cards need another height


class CataloguePage(QWidget):
    start_requested = Signal(str)  # scenario id

    def __init__(self, library: Library):
        super().__init__()
        self.setObjectName("page")
        self.library = library
        self.stats: dict[str, ScenarioStats] = {}
        self.pick: Pick | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 18, 28, 18)
        self.greeting = label("", "h1")
        box.addWidget(self.greeting)
        self.pick_label = label("", "pick", rich=True)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.pick_label, 1)
        self.pick_button = QPushButton("Practise this next")
        self.pick_button.setObjectName("primary")
        self.pick_button.setAccessibleName("Start the suggested call")
        self.pick_button.clicked.connect(lambda: self.pick and self.start_requested.emit(self.pick.scenario_id))
        pick_row.addWidget(self.pick_button)
        box.addLayout(pick_row)
        self.assigned = AssignedPanel()  # what a supervisor assigned comes first
        self.assigned.start_requested.connect(self.start_requested)
        box.addWidget(self.assigned)

        self.warning = label("", "warning")
        self.warning.setVisible(bool(library.problems))
        if library.problems:
            self.warning.setText(problems_summary(library))
            plain_tip(self.warning, "\n".join(map(str, library.problems)))
        box.addWidget(self.warning)

        filters = QHBoxLayout()
        self.topic = QComboBox()
        self.topic.setAccessibleName("Filter by CRCR domain or topic")
        self.topic.addItem("All domains and topics", "")
        domains = {d for s in library.scenarios for d in s.scenario.crcr_domains}
        for d in CRCR_DOMAINS:  # HFMA's CRCR domains first, then the finer topics
            if d in domains:
                self.topic.addItem(f"Domain: {CRCR_DOMAIN_LABELS[d]}", f"{DOMAIN_PREFIX}{d}")
        used = {t for s in library.scenarios for t in s.scenario.crcr_topics}
        for t in CRCR_TOPICS:
            if t in used:
                self.topic.addItem(topic_name(t), t)
        self.difficulty = QComboBox()
        self.difficulty.setAccessibleName("Filter by difficulty")
        self.difficulty.addItem("Any difficulty", 0)
        for level, name in DIFFICULTY.items():
            self.difficulty.addItem(f"{name} ({level})", level)
        for combo, letters in ((self.topic, 18), (self.difficulty, 10)):  # long names must not widen the window
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(letters)
        self.untried = QCheckBox("Not yet tried")
        self.untried.setAccessibleName("Show only calls not yet tried")
        for w in (self.topic, self.difficulty):
            w.currentIndexChanged.connect(self.apply_filters)
        self.untried.toggled.connect(self.apply_filters)
        self.count = label("", "muted", wrap=False)
        filters.addWidget(QLabel("Show:"))
        filters.addWidget(self.topic)
        filters.addWidget(self.difficulty)
        filters.addWidget(self.untried)
        filters.addStretch(1)
        filters.addWidget(self.count)
        box.addLayout(filters)

        self.list = CardList()
        self.list.setAccessibleName("Scenarios: arrow keys to choose, Enter to start")
        self.list.setSpacing(4)
        self.list.itemActivated.connect(lambda item: self.start_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        box.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.start = QPushButton("Start call")
        self.start.setObjectName("primary")
        self.start.setAccessibleName("Start the selected call")
        self.start.clicked.connect(self._start_selected)
        row.addWidget(self.start)
        box.addLayout(row)
        self.show_trainee("", {}, None)

    def show_trainee(self, name: str, stats: dict[str, ScenarioStats], pick: Pick | None) -> None:
        """Fill the page for one trainee (or clear it, with an empty name)."""
        self.greeting.setText(f"Hello, {name}" if name else "")
        self.stats = stats
        self.pick = pick
        self.pick_label.setText(f"<b>Practise next:</b> {escape(pick.reason)}" if pick else "")
        self.pick_label.setVisible(pick is not None)
        self.pick_button.setVisible(pick is not None)
        self.untried.setChecked(False)
        self.topic.setCurrentIndex(0)
        self.difficulty.setCurrentIndex(0)
        self.list.clear()
        if not name:  # signed out: nothing to show
            return
        for loaded in sorted(self.library.scenarios, key=lambda l: (l.scenario.difficulty, l.scenario.title)):
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, loaded.scenario.id)
            widget = ScenarioCard(loaded, stats.get(loaded.scenario.id))
            item.setText("")
            self.list.addItem(item)
            self.list.setItemWidget(item, widget)
        self.list.even_heights()
        self.apply_filters()
        if self.list.count():
            self.list.setCurrentRow(0)

    def apply_filters(self) -> None:
        topic, level, untried = self.topic.currentData(), self.difficulty.currentData(), self.untried.isChecked()
        shown = 0
        for i in range(self.list.count()):
            item = self.list.item(i)
            loaded = self.library.get(item.data(Qt.ItemDataRole.UserRole))
            if loaded is None:  # rows are made from the library, so this is only a guard
                item.setHidden(True)
                continue
            s = loaded.scenario
            visible = matches_tag(s, topic) and (not level or s.difficulty == level) and (not untried or s.id not in self.stats)
            item.setHidden(not visible)
            shown += visible
        self.count.setText(f"{shown} of {self.list.count()} calls")
        self.start.setEnabled(shown > 0)

    def visible_ids(self) -> list[str]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count()) if not self.list.item(i).isHidden()
        ]

    def _start_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None and not item.isHidden():
            self.start_requested.emit(item.data(Qt.ItemDataRole.UserRole))
