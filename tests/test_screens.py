"""Every page at 1280×800, at the default text size and at 16 pt: nothing clipped, the window never
forced wider or taller than the screen."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from trainer.settings import Settings
from trainer.store import queries
from trainer.ui.class_summary import ClassSummaryDialog
from trainer.ui.main_window import MainWindow
from trainer.ui.theme import build_style

from classroom import play
from conftest import settle
from trainer.progress import Progress, SessionPoint
from trainer.scenarios.schema import CRCR_TOPICS
from trainer.scoring.rules import RULES
from trainer.ui import theme
from trainer.ui.catalogue import topic_name
from trainer.ui.progress_view import ProgressPage, tick_step, trend, trend_words
from trainer.ui.report_card import write_report_card

SCREEN = (1280, 800)
SLACK = 1  # rounding in layouts and font metrics


def _text(w: QWidget) -> str:
    return w.text().replace("\n", " ")[:60] if hasattr(w, "text") else ""


def _name(w: QWidget) -> str:
    return f"{type(w).__name__} {w.objectName() or ''} '{_text(w)}'"


def _scrolls(p: QWidget) -> bool:
    """p is a scroll area's viewport: what lies outside it is reached by scrolling."""
    area = p.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.viewport() is p


def _outside(w: QWidget, root: QWidget) -> str:
    """Which visible ancestor cuts w off, if any (scroll areas do not count: they scroll)."""
    child, rect = w, QRect(QPoint(0, 0), w.size())
    while child is not root and child.parentWidget() is not None:
        parent = child.parentWidget()
        if _scrolls(parent):
            return ""
        rect = rect.translated(child.pos())
        inner = parent.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK)
        if not inner.contains(rect):
            return f"outside {type(parent).__name__} {parent.objectName()} ({rect.getRect()} in {parent.rect().getRect()})"
        child = parent
    return ""


def _too_small(w: QWidget) -> str:
    """The text needs more room than the widget has (unless it elides, or wraps within its width)."""
    if isinstance(w, QLabel) and not w.text() and w.pixmap().isNull():
        return ""
    need = w.minimumSizeHint().expandedTo(w.sizeHint() if isinstance(w, QAbstractButton) else w.minimumSizeHint())
    elides = bool(w.property("elides"))
    wraps = isinstance(w, QLabel) and w.wordWrap()
    if not elides and need.width() > w.width() + SLACK:
        return f"needs {need.width()} px wide, has {w.width()}"
    high = w.heightForWidth(w.width()) if wraps else need.height()
    if high > w.height() + SLACK:
        return f"needs {high} px high, has {w.height()}"
    return ""


def clipped(root: QWidget) -> list[str]:
    """Every visible button and label under root that is cut off, with what is wrong."""
    out = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, (QAbstractButton, QLabel)) or not w.isVisible() or w.width() == 0:
            continue
        why = _too_small(w) or _outside(w, root)
        if why:
            out.append(f"{_name(w)}: {why}")
    return out


def fits(window: QWidget) -> list[str]:
    """The window can be 1280×800 (what it asks for) and is (nothing grew it)."""
    problems = []
    hint = window.minimumSizeHint()
    if hint.width() > SCREEN[0] or hint.height() > SCREEN[1]:
        problems.append(f"the window asks for at least {hint.width()}×{hint.height()}")
    if (window.width(), window.height()) != SCREEN:
        problems.append(f"the window is {window.width()}×{window.height()}")
    return problems


def look(qtbot, window: QWidget) -> list[str]:
    window.resize(*SCREEN)
    qtbot.wait(20)  # layouts settle on the event loop
    QApplication.processEvents()
    return fits(window) + clipped(window)


def mood_and_goals(call) -> list[str]:
    """The mood meter shows without scrolling; every goal can be scrolled to."""
    area = call.patient.parentWidget().parentWidget().parentWidget()  # label > card > viewport > scroll area
    viewport = area.viewport()
    mood = QRect(call.mood.mapTo(viewport, QPoint(0, 0)), call.mood.size())
    out = [] if viewport.rect().contains(mood) else ["the mood meter is out of sight"]
    card = area.widget()
    if area.verticalScrollBar().maximum() < card.height() - viewport.height():
        out.append("the goals cannot be scrolled to")
    if "goals" not in call.patient.text():
        out.append("no goals shown")
    return out


@pytest.fixture(params=[11, 16], ids=["11pt", "16pt"])
def text_size(request, qapp):
    qapp.setStyleSheet(build_style(request.param, request.param == 16))
    yield request.param
    qapp.setStyleSheet(build_style())


def test_the_check_catches_a_clipped_button_and_a_squeezed_label(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    row = QHBoxLayout(page)
    fine = QPushButton("Fine")
    squeezed = QPushButton("A button whose words cannot fit")
    squeezed.setFixedWidth(60)
    words = QLabel("a wrapped label with more words than its height allows, " * 4)
    words.setWordWrap(True)
    words.setFixedHeight(12)
    for w in (fine, squeezed, words):
        row.addWidget(w)
    page.resize(700, 120)
    page.show()
    qtbot.waitExposed(page)
    found = clipped(page)
    assert any("cannot fit" in p and "wide" in p for p in found), found
    assert any("wrapped label" in p and "high" in p for p in found), found
    assert not any("'Fine'" in p for p in found)
    squeezed.setFixedWidth(squeezed.sizeHint().width())
    words.setMinimumHeight(0)
    words.setMaximumHeight(16777215)
    page.resize(1200, 300)
    QApplication.processEvents()
    assert clipped(page) == []


def test_the_check_catches_a_button_pushed_outside_its_parent(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    page.resize(200, 80)
    lost = QPushButton("Lost", page)
    lost.move(170, 10)
    page.show()
    qtbot.waitExposed(page)
    assert any("Lost" in p and "outside" in p for p in clipped(page))


PLAYER = "Riley Chen"
FIRST = (
    "Hi, I'm Sam in patient billing. I'm sorry this bill was a surprise. Before we look at it, "
    "can I have your full name and date of birth?"
)


@pytest.fixture
def window(qtbot, library, store, data, text_size):
    w = MainWindow(library, data, Settings(text_size=text_size), store.path.parent)
    qtbot.addWidget(w, before_close_func=lambda w: setattr(w, "_closing_allowed", True))
    w.resize(*SCREEN)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_every_page_fits_1280_by_800(qtbot, window, text_size):
    problems: dict[str, list[str]] = {}
    problems["sign in"] = look(qtbot, window)
    window.sign_in.name.setText(PLAYER)
    window.sign_in.pin.setText("1357")
    window.sign_in.submit()
    assert window.stack.currentWidget() is window.catalogue
    problems["calls"] = look(qtbot, window)
    cards = [window.catalogue.list.item(i) for i in range(window.catalogue.list.count())]
    assert len({item.sizeHint().height() for item in cards}) == 1  # even card heights
    window.start_call("surprise-deductible")
    settle(qtbot, window)
    problems["call, first line"] = look(qtbot, window)
    window.call.reply.setPlainText(FIRST)
    window.call.submit()
    settle(qtbot, window)
    problems["call"] = look(qtbot, window)
    problems["call, mood and goals"] = mood_and_goals(window.call)
    window.call.hang_up()
    settle(qtbot, window)
    assert window.stack.currentWidget() is window.debrief
    problems["debrief"] = look(qtbot, window)
    header = window.debrief.table.horizontalHeader()
    problems["debrief headings"] = [
        f"'{window.debrief.table.horizontalHeaderItem(c).text()}' is cut"
        for c in range(header.count())
        if header.sectionSize(c) < header.sectionSizeHint(c)
    ]
    window.show_progress()
    problems["progress"] = look(qtbot, window)
    window.open_supervisor()
    sup = window.supervisor
    sup.table.selectRow(0)
    sup.sessions.selectRow(0)
    problems["supervisor"] = look(qtbot, window)
    assert sup.session_id and PLAYER.split()[0] in sup.model.item(0, 0).text()
    problems["supervisor scores"] = ["the trainee table scrolls sideways"] if sup.table.horizontalScrollBar().isVisible() else []
    topics = {s.scenario.id: list(s.scenario.crcr_topics) for s in window.library.scenarios}
    dialog = ClassSummaryDialog(window.data.call(queries.class_summary, topics), window)
    dialog.show()
    qtbot.waitExposed(dialog)
    hint = dialog.minimumSizeHint()
    problems["class summary"] = clipped(dialog) + (["too big"] if hint.width() > SCREEN[0] or hint.height() > SCREEN[1] else [])
    dialog.close()
    window.leave_supervisor()
    problems["after the supervisor area"] = look(qtbot, window)
    found = {page: p for page, p in problems.items() if p}
    assert not found, f"at {text_size} pt: {found}"


# the progress page's charts


def point(overall: int, day: int = 1) -> SessionPoint:
    return SessionPoint(
        dt.date(2026, 3, day),
        "surprise-deductible",
        {"empathy": overall, "clarity": overall, "compliance": 90, "overall": overall},
    )


def test_axis_steps_are_round_and_never_repeat_a_call_number():
    assert [tick_step(n) for n in (1, 4, 10, 11, 30, 60, 250)] == [1, 1, 1, 2, 5, 10, 50]


def test_trend_compares_the_last_ten_calls_with_the_ten_before():
    points = [point(50)] * 10 + [point(70)] * 10
    assert trend(points, "overall") == (70, 50)
    assert trend(points, "compliance") == (90, 90)
    assert trend(points[:4], "overall") == (50, None)
    assert trend([], "overall") == (None, None)
    up, colour = trend_words(70, 50)
    assert up.startswith("▲ 20 up") and colour == theme.GOOD
    assert trend_words(40, 50)[0].startswith("▼ 10 down") and "level" in trend_words(50, 50)[0]
    assert "nothing to compare" in trend_words(50, None)[0]


def test_progress_chart_counts_calls_in_whole_numbers_and_scores_0_to_100(qtbot):
    page = ProgressPage()
    qtbot.addWidget(page)
    progress = Progress(
        points=[point(v, d) for d, v in enumerate((40, 55, 62, 71), 1)], by_topic={"insurance-and-benefits": 61}, sessions=4
    )
    page.show_progress(progress)
    chart = page.over_time.chart()
    x = chart.axes(Qt.Horizontal)[0]
    y = chart.axes(Qt.Vertical)[0]
    assert (x.labelFormat(), x.tickType(), x.tickInterval(), x.tickAnchor()) == ("%d", QValueAxis.TicksDynamic, 1, 1)
    assert (x.min(), x.max()) == (0.5, 4.5)
    assert (y.labelFormat(), y.min(), y.max(), y.tickCount()) == ("%d", 0, 100, 6)
    overall = next(s for s in chart.series() if s.name() == "Overall")
    assert [(p.x(), p.y()) for p in overall.points()] == [(1, 40), (2, 55), (3, 62), (4, 71)]
    assert page.trends["overall"].value.text() == "57"


def test_a_topic_not_practised_says_so_and_has_no_bar(qtbot):
    page = ProgressPage()
    qtbot.addWidget(page)
    page.show_progress(Progress(points=[point(61)], by_topic={"insurance-and-benefits": 61}))
    grid = page.topics.grid
    rows = {}
    for i in range(grid.count()):
        row, column, _, _ = grid.getItemPosition(i)
        rows.setdefault(row, {})[column] = grid.itemAt(i).widget()
    shown = {cells[0].text(): cells for cells in rows.values()}
    assert set(shown) == {topic_name(t) for t in CRCR_TOPICS}
    practised = shown["Insurance and benefits"]
    assert isinstance(practised[1], QProgressBar) and practised[1].value() == 61 and practised[2].text() == "61"
    for name, cells in shown.items():
        if name != "Insurance and benefits":
            assert isinstance(cells[1], QLabel) and cells[1].text() == "not practised" and 2 not in cells, name


# the report card and the words a trainee sees


def test_the_report_card_names_rules_and_topics_in_words(qapp, store, library, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    play(store, library, "Dana Lee", "surprise-deductible", seed=1)
    play(store, library, "Dana Lee", "collector-dispute", seed=9, breach=True)
    path = write_report_card(store, store.sign_in("Dana Lee"), tmp_path / "dana.pdf")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    topics = set(library.get("collector-dispute").scenario.crcr_topics)
    assert any(topic_name(t) in text for t in topics)
    for raw in list(topics) + list(RULES):
        assert raw not in text, raw
    assert "blocker: " in text


def test_hold_to_talk_without_the_speech_extra_tells_the_trainee_to_type(qtbot, tmp_path):
    from trainer.ui.audio import ReplyRecorder

    class Missing:
        def available(self):
            return False, 'Spoken replies need faster-whisper; install the optional extra: pip install -e ".[stt]".'

    recorder = ReplyRecorder(Missing(), tmp_path)
    notices: list[str] = []
    recorder.unavailable.connect(notices.append)
    assert recorder.start() is False
    assert notices == ["Speaking replies is not installed on this computer; type your reply."]
    assert "pip install" in recorder.detail  # kept for whoever sets the computer up


def test_settings_fit_an_800_pixel_screen_with_save_in_view(qtbot, tmp_path, text_size):
    from trainer.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(None, Settings(text_size=text_size, llm_enabled=True), tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    hint = dialog.minimumSizeHint()
    assert hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1] and dialog.height() <= SCREEN[1]
    save = [b for b in dialog.findChildren(QAbstractButton) if b.text() == "Save"]
    assert save and not _outside(save[0], dialog) and save[0].isVisible()
    assert clipped(dialog) == []
