"""Colours and the application style sheet."""

from __future__ import annotations

from ..verdict import PASS_MARK

INK = "#1f2933"
MUTED = "#52606d"
ACCENT = "#0f6e6e"
ACCENT_DARK = "#0b5252"
SURFACE = "#f5f7f8"
CARD = "#ffffff"
LINE = "#d9e2ec"
GOOD = "#1b7f4b"
WARN = "#b7791f"
BAD = "#c53030"
PATIENT_BUBBLE = "#e9eef3"
TRAINEE_BUBBLE = "#dff3ef"


def score_colour(value: float) -> str:
    """Green from the pass mark up, amber from 45, red below: the window and the PDF use this one scale."""
    return GOOD if value >= PASS_MARK else WARN if value >= 45 else BAD


def build_style(text_size: int = 11, high_contrast: bool = False) -> str:
    """The application style sheet, at the chosen text size, normal or high contrast."""
    if high_contrast:
        ink, muted, accent, accent_dark, surface, card, line = (
            "#000000",
            "#000000",
            "#0000b3",
            "#000080",
            "#ffffff",
            "#ffffff",
            "#000000",
        )
    else:
        ink, muted, accent, accent_dark, surface, card, line = INK, MUTED, ACCENT, ACCENT_DARK, SURFACE, CARD, LINE
    border = 2 if high_contrast else 1
    return f"""
QWidget {{ color: {ink}; font-size: {text_size}pt; }}
QMainWindow, QWidget#page {{ background: {surface}; }}
QLabel#h1 {{ font-size: {round(text_size * 1.8)}pt; font-weight: 600; }}
QLabel#h2 {{ font-size: {round(text_size * 1.2)}pt; font-weight: 600; }}
QLabel#muted {{ color: {muted}; }}
QLabel#hint {{ color: {WARN if not high_contrast else "#7a3e00"}; }}
QLabel#warning {{ background: #fff4d6; border: {border}px solid #f0c36d; border-radius: 6px; padding: 8px; }}
QLabel#pick {{ background: #e0f0ee; border: {border}px solid {accent}; border-radius: 8px; padding: 10px; }}
QFrame#card {{ background: {card}; border: {border}px solid {line}; border-radius: 10px; }}
QFrame#scenarioCard {{ background: {card}; border: {border}px solid {line}; border-radius: 10px; }}
QFrame#scenarioCard:focus, QFrame#scenarioCard[selected="true"] {{ border: 2px solid {accent}; }}
QFrame#topbar {{ background: {card}; border-bottom: {border}px solid {line}; }}
QPushButton {{ background: {card}; border: {border}px solid {line}; border-radius: 6px; padding: 7px 16px; }}
QPushButton:hover {{ border-color: {accent}; }}
QPushButton:focus {{ border: 2px solid {accent}; }}
QPushButton:disabled {{ color: #9aa5b1; }}
QPushButton#primary {{ background: {accent}; color: white; border: none; font-weight: 600; }}
QPushButton#primary:hover {{ background: {accent_dark}; }}
QPushButton#primary:focus {{ border: 2px solid {ink}; }}
QPushButton#danger {{ color: {BAD}; border-color: #f1b5b5; }}
QPushButton#nav {{ border: none; background: transparent; padding: 6px 12px; }}
QPushButton#nav:checked {{ color: {accent}; border-bottom: 2px solid {accent}; }}
QLineEdit, QPlainTextEdit, QTextBrowser, QListWidget, QTableView, QTableWidget, QComboBox, QSpinBox {{
    background: {card}; border: {border}px solid {line}; border-radius: 8px; padding: 5px; }}
QLineEdit:focus, QPlainTextEdit:focus, QListWidget:focus, QTableView:focus, QComboBox:focus {{ border: 2px solid {accent}; }}
QListWidget::item {{ border-bottom: 1px solid {line}; padding: 10px; }}
QListWidget::item:selected {{ background: #e0f0ee; color: {ink}; }}
QListWidget#cards::item {{ padding: 0px; border: none; }}
QProgressBar {{ background: {line if not high_contrast else "#dddddd"}; border: none; border-radius: 5px; height: 10px; }}
QHeaderView::section {{ background: {surface}; border: none; border-bottom: 1px solid {line}; padding: 6px; font-weight: 600; }}
QCheckBox:focus {{ color: {accent}; }}
"""
