"""Drive whole calls through the real main window (offscreen)."""
import pytest
from PySide6.QtCore import Qt

from trainer.ui.main_window import MainWindow

REPLIES = [
    "Hi, I'm Sam in patient billing. I'm sorry this bill was a surprise. Before we look at it, "
    "can I have your full name and date of birth?",
    "Thank you. Your insurance paid its part. The rest went to your deductible, which is the amount you pay "
    "each year before insurance starts to pay. Does that make sense?",
    "That's a lot to carry. We have a financial assistance program based on income, and a payment plan too. "
    "I'll email the application today.",
    "Yes, we can set a small monthly payment of $40 while the application is reviewed.",
]


@pytest.fixture
def window(qtbot, library, store):
    w = MainWindow(library, store)
    qtbot.addWidget(w)
    w.show()
    return w


def sign_in(qtbot, window, name="Riley Chen"):
    window.sign_in.name.setText(name)  # (QTest cannot type characters outside the BMP, such as emoji)
    qtbot.keyClick(window.sign_in.name, Qt.Key_Return)
    assert window.stack.currentWidget() is window.catalogue


def test_whole_call_from_sign_in_to_debrief_is_stored(qtbot, window, store):
    sign_in(qtbot, window)
    assert "Riley Chen" in window.catalogue.greeting.text()
    ids = [window.catalogue.list.item(i).data(Qt.UserRole) for i in range(window.catalogue.list.count())]
    window.catalogue.list.setCurrentRow(ids.index("surprise-deductible"))
    qtbot.mouseClick(window.catalogue.start, Qt.LeftButton)
    assert window.stack.currentWidget() is window.call
    assert "Alvarez" in window.call.transcript.toPlainText()
    for reply in REPLIES:
        if window.stack.currentWidget() is not window.call:
            break
        window.call.reply.setPlainText(reply)
        qtbot.keyClick(window.call.reply, Qt.Key_Return, Qt.ControlModifier)  # Ctrl+Enter sends
        assert window.call.reply.toPlainText() == ""
        bars = window.call.score_card.bars
        assert bars["empathy"][1].text() not in ("", "–")
    assert window.stack.currentWidget() is window.debrief
    assert window.debrief.table.rowCount() == len(window.session.turns) >= 3
    assert window.debrief.bars["overall"][1].text().isdigit()
    rows = store.turns(window.session.id)
    assert [r["reply"] for r in rows] == REPLIES[:len(rows)]
    assert store.session(window.session.id)["status"] == "completed"


def test_score_card_shows_evidence_suggestion_and_model_answer(qtbot, window):
    sign_in(qtbot, window)
    window.start_call("surprise-deductible")
    window.call.reply.setPlainText("Calm down. You should have read your policy.")
    window.call.submit()
    card = window.call.score_card
    assert int(card.bars["empathy"][1].text()) < 40
    html = card.reply.toHtml()
    assert "ev:" in html  # spans are linked to their reasons
    details = card.details.toPlainText()
    assert "blames the patient" in details and "Try:" in details and "A strong reply here" in details


def test_empty_reply_is_not_sent_and_a_huge_paste_is_capped(qtbot, window):
    sign_in(qtbot, window)
    window.start_call("surprise-deductible")
    window.call.reply.setPlainText("   ")
    window.call.submit()
    assert "empty reply is not sent" in window.call.hint.text()
    assert window.session.turns == []
    window.call.reply.setPlainText("x" * 100_000)
    assert len(window.call.reply.toPlainText()) == 4000
    assert "100,000 characters" in window.call.hint.text()


def test_empty_name_gives_a_hint_and_odd_names_work(qtbot, window):
    qtbot.keyClick(window.sign_in.name, Qt.Key_Return)
    assert window.stack.currentWidget() is window.sign_in
    assert "Type your name" in window.sign_in.hint.text()
    sign_in(qtbot, window, "Zoë 🙂 " + "y" * 500)
    assert len(window.catalogue.greeting.text()) < 120


def test_hang_up_leads_to_debrief_and_sign_out_clears(qtbot, window, store):
    sign_in(qtbot, window)
    window.start_call("collector-dispute")
    qtbot.mouseClick(window.call.hang_up_button, Qt.LeftButton)
    assert window.stack.currentWidget() is window.debrief
    assert store.session(window.session.id)["status"] == "abandoned"
    window.sign_out()
    assert window.stack.currentWidget() is window.sign_in and window.sign_in.name.text() == ""


def test_bad_scenario_files_show_a_visible_warning(qtbot, store):
    from pathlib import Path

    from trainer.config import BUILTIN_SCENARIOS_DIR
    from trainer.scenarios.loader import load_library
    bad = Path(__file__).parent / "bad_scenarios"
    w = MainWindow(load_library(BUILTIN_SCENARIOS_DIR, bad), store)
    qtbot.addWidget(w)
    w.show()
    warning = w.catalogue.warning
    assert warning.isVisible() is False  # not until signed in
    sign_in(qtbot, w)
    assert warning.isVisible()
    assert "could not be loaded" in warning.text() and "malformed.yaml:5" in warning.text()
    assert w.catalogue.list.count() == len(w.library.scenarios) > 0
