"""Small building blocks the pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QRect, QSize, Qt, SignalInstance
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


def label(text: str, name: str = "", wrap: bool = True, rich: bool = False) -> QLabel:
    """A label that shows its text as plain text: names, titles and model words are never markup.
    rich=True only for text this app builds itself, with every outside part escaped."""
    w = QLabel(text)
    w.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if name:
        w.setObjectName(name)
    w.setWordWrap(wrap)
    return w


def button(text: str, accessible: str, on_click: Callable[[], object] | SignalInstance) -> QPushButton:
    """A button with the name a screen reader says, connected to on_click (a function or a signal)."""
    w = QPushButton(text)
    w.setAccessibleName(accessible)
    w.clicked.connect(on_click)
    return w


def spin_box(low: int, high: int, suffix: str, value: int, accessible: str) -> QSpinBox:
    w = QSpinBox()
    w.setRange(low, high)
    w.setSuffix(suffix)
    w.setValue(value)
    w.setAccessibleName(accessible)
    return w


def pin_field(placeholder: str, accessible: str) -> QLineEdit:
    """A masked field for a 4-8 digit PIN."""
    w = QLineEdit()
    w.setEchoMode(QLineEdit.EchoMode.Password)
    w.setMaxLength(8)
    w.setPlaceholderText(placeholder)
    w.setAccessibleName(accessible)
    return w


def card(*children: QWidget) -> QFrame:
    frame = QFrame()
    frame.setObjectName("card")
    box = QVBoxLayout(frame)
    box.setContentsMargins(16, 14, 16, 14)
    for child in children:
        box.addWidget(child)
    return frame


def vertical_scroll(content: QWidget) -> QScrollArea:
    """content in a frameless area that scrolls up and down only: it wraps to the area's width."""
    scroll = QScrollArea()
    scroll.setWidget(content)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return scroll


def box_of(frame: QWidget) -> QVBoxLayout:
    """The column card() laid out in frame, to add rows to it later (layout() is typed as maybe-absent)."""
    box = frame.layout()
    if not isinstance(box, QVBoxLayout):
        raise TypeError(f"{type(frame).__name__} has no column layout")
    return box


class _Tipped(Protocol):  # a widget or a table cell
    def setToolTip(self, text: str, /) -> None: ...


def plain_tip(widget: _Tipped, text: str) -> None:
    """A tooltip that shows outside text as typed (Qt renders a tooltip that looks like HTML as HTML)."""
    widget.setToolTip(f"<p>{escape(text)}</p>" if text else "")


def plain_message(parent: QWidget | None, title: str, text: str, icon=QMessageBox.Icon.Warning) -> None:
    """A message box whose text (which may hold names or file contents from outside) is plain text."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def busy_dialog(text: str, parent: QWidget | None = None) -> QProgressDialog:
    """A busy indicator without a Cancel button, for work that cannot stop midway."""
    box = QProgressDialog(text, "", 0, 0, parent)
    box.setCancelButton(None)  # the typed way to say "no button" (a None label is not in the signature)
    return box


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("\n", "<br>")


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto another line when the width runs out, so a row of buttons
    never forces the window wider (large text, a small screen)."""

    def __init__(self, parent: QWidget | None = None, gap: int = 8):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = gap
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        """All on one line."""
        shown = [i.sizeHint() for i in self._items if not i.isEmpty()]
        m = self.contentsMargins()
        width = sum(s.width() for s in shown) + self._gap * max(0, len(shown) - 1)
        return QSize(width + m.left() + m.right(), max((s.height() for s in shown), default=0) + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """One widget per line at worst."""
        size = QSize(0, 0)
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in rect (or only measure); returns the height used."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + self._gap, 0
            if move:
                item.setGeometry(QRect(x, y, min(hint.width(), area.width()), hint.height()))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()
