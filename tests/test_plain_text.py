"""Outside text is never markup: a name, a scenario file, a bundle, a model's line or the judge's comment
holding <b>, <a href>, <img> and <span style> is shown as typed in every widget that shows it."""

from PySide6.QtGui import Qt, QTextDocument  # QtGui's Qt has mightBeRichText
from PySide6.QtWidgets import QLabel, QTextBrowser

from trainer.call_events import PatientSpoke
from trainer.domain import PatientLine
from trainer.scenarios.loader import load_library
from trainer.settings import Settings
from trainer.ui.main_window import MainWindow

from conftest import settle

MARK = 'Zq<b>Bx</b><a href="http://example.invalid">Lx</a><img src="x.png"><span style="font-size:40pt">Sx</span>'
RENDERED = "BxLx"  # what the mark looks like when its tags are taken as markup


def shown(widget) -> str:
    """The text a person sees in the widget."""
    if isinstance(widget, QTextBrowser):
        return widget.toPlainText()
    text = widget.text()
    if widget.textFormat() == Qt.PlainText or (widget.textFormat() == Qt.AutoText and not Qt.mightBeRichText(text)):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def everything_shown(root) -> list[str]:
    out = [shown(w) for w in root.findChildren(QLabel) + root.findChildren(QTextBrowser)]
    out += [w.toolTip() for w in root.findChildren(QLabel) if w.toolTip()]
    return out


def marked_library(tmp_path):
    import re

    from trainer.config import BUILTIN_SCENARIOS_DIR

    source = (BUILTIN_SCENARIOS_DIR / "surprise-deductible.yaml").read_text(encoding="utf-8")
    source = source.replace("title: Surprise balance after the deductible", f"title: '{MARK}'")
    source = re.sub(r"situation: (.*)", lambda m: f"situation: '{MARK} {m.group(1)}'", source, count=1)
    text = tmp_path / "marked.yaml"
    text.write_text(source, encoding="utf-8")
    library = load_library(text)
    assert not library.problems, library.problems
    return library


def test_markup_in_names_scenarios_model_lines_and_judge_comments_is_shown_as_typed(qtbot, tmp_path, store, data):
    library = marked_library(tmp_path)
    window = MainWindow(library, data, Settings(), store.path.parent)
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_closing_allowed", True))
    window.show()
    window.sign_in.name.setText(MARK)
    window.sign_in.pin.setText("1357")
    window.sign_in.submit()
    window.start_call("surprise-deductible")
    settle(qtbot, window)
    page = window.call
    page.reply.setPlainText(f"Thanks for calling. {MARK}")
    page.submit()
    settle(qtbot, window)
    page._heard(PatientSpoke(PatientLine("x", "x.a", f"A model said {MARK}", 50)))  # a model-voiced line
    page.live.show()
    page._on_token(MARK)  # streamed words
    page.score_card.show_opinion(f"Judge: {MARK}")  # the language-model judge's comment
    texts = everything_shown(window)
    assert not [t for t in texts if RENDERED in t], "some widget rendered outside text as markup"
    literal = [t for t in texts if "<b>Bx</b>" in t]
    assert len(literal) >= 7  # name, greeting, title, patient card, transcript, live line, judge, reply…


def test_a_bundles_names_and_notes_show_as_typed_in_the_supervisor_area(qtbot, tmp_path, store, data, library):
    from classroom import play

    sid = play(store, library, MARK, seed=1)
    store.add_annotation(sid, MARK, "comment", f"note {MARK}")
    window = MainWindow(library, data, Settings(), store.path.parent)
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_closing_allowed", True))
    window.show()
    window.open_supervisor()
    sup = window.supervisor
    sup.table.selectRow(0)
    sup.sessions.selectRow(0)
    model = sup.table.model()
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert MARK in names  # a table cell is plain text
    texts = everything_shown(window)
    assert not [t for t in texts if RENDERED in t]
    assert any("note Zq<b>Bx</b>" in t for t in texts), [t[:400] for t in texts if "note" in t]
