"""Small building blocks the pages share."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget


def label(text: str, name: str = "", wrap: bool = True) -> QLabel:
    w = QLabel(text)
    if name:
        w.setObjectName(name)
    w.setWordWrap(wrap)
    return w


def button(text: str, accessible: str, on_click: Callable) -> QPushButton:
    """A button with the name a screen reader says, connected to on_click."""
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
    w.setEchoMode(QLineEdit.Password)
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


def escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "<br>"))
