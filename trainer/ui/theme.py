"""Colours and the application style sheet."""
from __future__ import annotations

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


def score_colour(value: int) -> str:
    return GOOD if value >= 70 else WARN if value >= 45 else BAD


STYLE = f"""
QWidget {{ color: {INK}; font-size: 10.5pt; }}
QMainWindow, QStackedWidget > QWidget#page {{ background: {SURFACE}; }}
QLabel#h1 {{ font-size: 20pt; font-weight: 600; }}
QLabel#h2 {{ font-size: 13pt; font-weight: 600; }}
QLabel#muted {{ color: {MUTED}; }}
QLabel#hint {{ color: {WARN}; }}
QLabel#warning {{ background: #fff4d6; border: 1px solid #f0c36d; border-radius: 6px; padding: 8px; }}
QFrame#card {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 10px; }}
QPushButton {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 6px; padding: 7px 16px; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: none; font-weight: 600; }}
QPushButton#primary:hover {{ background: {ACCENT_DARK}; }}
QPushButton#danger {{ color: {BAD}; border-color: #f1b5b5; }}
QLineEdit, QPlainTextEdit, QTextBrowser, QListWidget, QTableWidget {{
    background: {CARD}; border: 1px solid {LINE}; border-radius: 8px; padding: 6px; }}
QLineEdit:focus, QPlainTextEdit:focus, QListWidget:focus {{ border: 2px solid {ACCENT}; }}
QListWidget::item {{ border-bottom: 1px solid {LINE}; padding: 10px; }}
QListWidget::item:selected {{ background: #e0f0ee; color: {INK}; }}
QProgressBar {{ background: {LINE}; border: none; border-radius: 5px; height: 10px; text-align: center; }}
QHeaderView::section {{ background: {SURFACE}; border: none; border-bottom: 1px solid {LINE}; padding: 6px; }}
"""
