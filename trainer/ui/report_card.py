"""A trainee's PDF report card: averages per dimension, overall score over time, recent calls, comments.

write_report_card(store_or_db, trainee_id, path) works without a screen (QT_QPA_PLATFORM=offscreen);
it makes a QGuiApplication if none exists. Drawn with QPdfWriter + QPainter on A4, in points.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from ..scoring.rules import rule_title
from ..store.queries import DIMENSIONS
from ..store.report_data import ReportCardData, report_card_data
from ..verdict import PASS_MARK
from . import theme
from .theme import BAD, GOOD
from .catalogue import topic_name

INK, MUTED, ACCENT, LINE, SURFACE = "#1f2933", "#52606d", "#0f6e6e", "#d9e2ec", "#f5f7f8"
PAGE_W, PAGE_H, MARGIN = 595.0, 842.0, 42.0  # A4 in points
RECENT = 10
ROW = 27  # height of a table row with notes (they wrap to three lines)
DPI = 300


def score_colour(value: float | None) -> QColor:
    if value is None:
        return QColor(MUTED)
    return QColor(theme.score_colour(value))


_APP: QGuiApplication | None = None


def _app() -> None:
    """Fonts need a Qt application; make one (without a window) when there is none."""
    global _APP
    if QGuiApplication.instance() is None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP = QGuiApplication([])


class _Canvas:
    """A painter that takes points (1/72 inch) on an A4 page."""

    def __init__(self, painter: QPainter, scale: float):
        self.p = painter
        self.k = scale

    def r(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(x * self.k, y * self.k, w * self.k, h * self.k)

    def pt(self, x: float, y: float) -> QPointF:
        return QPointF(x * self.k, y * self.k)

    def font(self, size: float, bold: bool = False) -> QFont:
        f = QFont("DejaVu Sans")
        f.setStyleHint(QFont.StyleHint.SansSerif)
        f.setPointSizeF(size)
        f.setBold(bold)
        f.setFeature(QFont.Tag("liga"), 0)  # no "fi" ligatures: the PDF's text searches and copies as typed
        self.p.setFont(f)
        return f

    def text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        s: str,
        size: float = 9,
        bold: bool = False,
        colour: str = INK,
        align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        elide: bool = True,
    ) -> None:
        f = self.font(size, bold)
        self.p.setPen(QColor(colour))
        if elide:
            s = QFontMetricsF(f, self.p.device()).elidedText(s, Qt.TextElideMode.ElideRight, w * self.k)
        self.p.drawText(self.r(x, y, w, h), int(align), s)

    def wrapped(self, x: float, y: float, w: float, s: str, size: float = 9, colour: str = INK, max_h: float = 60) -> float:
        f = self.font(size)
        self.p.setPen(QColor(colour))
        rect = QFontMetricsF(f, self.p.device()).boundingRect(self.r(x, y, w, max_h), int(Qt.TextFlag.TextWordWrap), s)
        h = min(max_h, rect.height() / self.k)
        self.p.drawText(
            self.r(x, y, w, h), int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), s
        )
        return h

    def box(
        self, x: float, y: float, w: float, h: float, fill: str | None, stroke: str | None = None, width: float = 0.8
    ) -> None:
        self.p.setPen(QPen(QColor(stroke), width * self.k) if stroke else Qt.PenStyle.NoPen)
        self.p.setBrush(QColor(fill) if fill else Qt.BrushStyle.NoBrush)
        self.p.drawRect(self.r(x, y, w, h))

    def line(
        self, x1: float, y1: float, x2: float, y2: float, colour: str = LINE, width: float = 0.8, dashed: bool = False
    ) -> None:
        pen = QPen(QColor(colour), width * self.k)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.p.setPen(pen)
        self.p.drawLine(self.pt(x1, y1), self.pt(x2, y2))


def _mean(values: list) -> float | None:
    vals = [v for v in values if v is not None]
    return round(sum(vals) / len(vals), 1) if vals else None


def _date(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        return dt.datetime.fromisoformat(stamp).strftime("%d %b %Y")
    except (TypeError, ValueError):
        return stamp or ""


def write_report_card(db, trainee_id: str, path: str | os.PathLike) -> Path:
    """Write the trainee's report card as a one-page PDF at path; returns the path (db: a Store here)."""
    return write_report_card_pdf(report_card_data(db, trainee_id), path)


def write_report_card_pdf(data: ReportCardData, path: str | os.PathLike) -> Path:
    """Draw the report card from data the store gathered (on its own thread)."""
    name, badge, history, comments = data.name, data.badge, data.history, data.comments
    _app()
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setTitle(f"Report card: {name}")
    writer.setCreator("Billing Conversation Trainer")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _draw(_Canvas(painter, DPI / 72.0), name, badge, history, comments)
    finally:
        painter.end()
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"cannot write {path}")
    return path


def _draw(c: _Canvas, name: str, badge: str | None, history: list[dict], comments: list) -> None:
    finished = [h for h in history if h["status"] in ("completed", "abandoned") and h["overall"] is not None]
    x0, w = MARGIN, PAGE_W - 2 * MARGIN
    # header
    c.box(0, 0, PAGE_W, 92, ACCENT)
    c.text(x0, 22, w, 16, "BILLING CONVERSATION TRAINER  ·  REPORT CARD", 8.5, True, "#cfe9e6")
    c.text(x0, 38, w, 28, name, 21, True, "#ffffff")
    today = dt.date.today().strftime("%d %B %Y")
    c.text(x0, 66, w, 14, f"{'Badge ' + badge + '   ·   ' if badge else ''}Issued {today}", 9, False, "#e6f4f2")
    # key figures
    y: float = 108
    passed = sum(1 for h in finished if h["passed"])
    blocked = sum(1 for h in finished if h["blocked"])
    figures = [
        (str(len(history)), "calls"),
        (str(len(finished)), "finished"),
        (str(passed), f"passed (≥ {PASS_MARK})"),
        (str(blocked), "compliance blocker"),
        (_date(history[-1]["started_at"]) if history else "–", "last practice"),
    ]
    fw = w / len(figures)
    for i, (value, label) in enumerate(figures):
        c.box(x0 + i * fw + 2, y, fw - 4, 44, SURFACE)
        c.text(
            x0 + i * fw + 10,
            y + 5,
            fw - 16,
            20,
            value,
            14 if len(value) < 6 else 11.5,
            True,
            BAD if label.startswith("compliance") and blocked else INK,
        )
        c.text(x0 + i * fw + 10, y + 25, fw - 16, 14, label, 7.5, False, MUTED)
    # bars: mean per dimension
    y = 170
    half = (w - 18) / 2
    c.text(x0, y, half, 16, "Average score by dimension", 11, True)
    c.text(x0, y + 15, half, 12, f"over {len(finished)} finished call(s); pass mark {PASS_MARK}", 7.5, False, MUTED)
    means = {d: _mean([h[d] for h in finished]) for d in DIMENSIONS}
    bx, bw, top = x0 + 62, half - 62 - 30, y + 38
    for i, d in enumerate(DIMENSIONS):
        by = top + i * 30
        c.text(x0, by, 60, 18, d.capitalize(), 9, d == "overall")
        c.box(bx, by + 3, bw, 12, SURFACE)
        mean = means[d]
        if mean is not None:
            c.box(bx, by + 3, bw * mean / 100, 12, score_colour(mean).name())
        c.text(bx + bw + 4, by, 28, 18, "–" if mean is None else f"{mean:.0f}", 9, True)
    c.line(bx + bw * PASS_MARK / 100, top - 2, bx + bw * PASS_MARK / 100, top + 4 * 30 - 8, MUTED, 0.8, True)
    c.text(
        bx + bw * PASS_MARK / 100 - 20,
        top + 4 * 30 - 8,
        40,
        10,
        f"pass {PASS_MARK}",
        6.5,
        False,
        MUTED,
        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
    )
    # line: overall over time
    lx = x0 + half + 18
    c.text(lx, y, half, 16, "Overall score over time", 11, True)
    c.text(lx, y + 15, half, 12, "each point a finished call, oldest left; red: compliance blocker", 7.5, False, MUTED)
    gx, gy, gw, gh = lx + 22, y + 40, half - 26, 112
    c.box(gx, gy, gw, gh, None, LINE)
    for v in (0, 50, 100):
        yy = gy + gh - gh * v / 100
        c.text(lx, yy - 5, 18, 10, str(v), 6.5, False, MUTED, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if v not in (0, 100):
            c.line(gx, yy, gx + gw, yy, LINE, 0.5)
    points = [(i, h) for i, h in enumerate(finished[-40:])]
    if points:
        pass_y = gy + gh - gh * PASS_MARK / 100
        c.line(gx, pass_y, gx + gw, pass_y, GOOD, 0.8, True)
        n = max(1, len(points) - 1)
        xy = [(gx + 6 + (gw - 12) * (i / n if len(points) > 1 else 0.5), gy + gh - gh * h["overall"] / 100) for i, h in points]
        path = QPainterPath(c.pt(*xy[0]))
        for px, py in xy[1:]:
            path.lineTo(c.pt(px, py))
        c.p.setPen(QPen(QColor(ACCENT), 1.4 * c.k))
        c.p.setBrush(Qt.BrushStyle.NoBrush)
        c.p.drawPath(path)
        for (px, py), (_, h) in zip(xy, points):
            dot = QColor(BAD if h["blocked"] else ACCENT)
            c.p.setPen(QPen(QColor("#ffffff"), 0.6 * c.k))
            c.p.setBrush(dot)
            c.p.drawEllipse(c.pt(px, py), 2.6 * c.k, 2.6 * c.k)
        c.text(gx, gy + gh + 2, gw / 2, 10, _date(points[0][1]["started_at"]), 6.5, False, MUTED)
        c.text(
            gx + gw / 2,
            gy + gh + 2,
            gw / 2,
            10,
            _date(points[-1][1]["started_at"]),
            6.5,
            False,
            MUTED,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        )
    else:
        c.text(gx, gy, gw, gh, "No finished calls yet", 9, False, MUTED, Qt.AlignmentFlag.AlignCenter)
    # table: recent calls
    y = 340
    c.text(x0, y, w, 16, "Recent calls", 11, True)
    cols = [
        ("Date", 58),
        ("Call", 132),
        ("Status", 58),
        ("Emp.", 29),
        ("Clar.", 29),
        ("Comp.", 33),
        ("Overall", 39),
        ("Notes", w - 378),
    ]
    y += 22
    c.box(x0, y, w, 16, SURFACE)
    cx = x0
    for label, cw in cols:
        c.text(cx + 4, y, cw - 6, 16, label, 7.5, True, MUTED)
        cx += cw
    y += 16
    recent = list(reversed(history))[:RECENT]
    if not recent:
        c.text(x0 + 4, y + 2, w, 16, "No calls yet.", 9, False, MUTED)
        y += 20
    for h in recent:
        notes = []
        if h["overrides"]:
            notes.append("override: " + ", ".join(f"{k} {v}" for k, v in h["overrides"].items()))
        if h["comments"]:
            notes.append(f"{h['comments']} note{'s' if h['comments'] > 1 else ''}")
        if h["blockers"]:
            notes.append("blocker: " + ", ".join(rule_title(r) for r in h["blockers"]))
        if h.get("lifted"):
            notes.append("lifted by the supervisor: " + ", ".join(rule_title(r) for r in h["lifted"]))
        if h["passed"] != h.get("auto_passed", h["passed"]):  # the supervisor's verdict beside the automatic one
            notes.append(
                f"supervisor: {'passed' if h['passed'] else 'not passed'} "
                f"(automatic: {'passed' if h['auto_passed'] else 'not passed'})"
            )
        cells = [
            _date(h["started_at"]),
            h["scenario_title"],
            h["status"],
            *(("–" if h[d] is None else str(h[d])) for d in ("empathy", "clarity", "compliance", "overall")),
            "; ".join(notes),
        ]
        row_h = ROW if notes else 17
        cx = x0
        for (label, cw), value in zip(cols, cells):
            colour = INK
            bold = False
            if label == "Overall" and h["overall"] is not None:
                colour, bold = score_colour(0 if h["blocked"] else h["overall"]).name(), True
            if label == "Notes":
                c.p.save()
                c.p.setClipRect(c.r(cx, y, cw, row_h))
                c.wrapped(cx + 4, y + 2.5, cw - 6, value, 6.5, BAD if h["blockers"] else MUTED, row_h - 4)
                c.p.restore()
            else:
                c.text(cx + 4, y, cw - 6, row_h, value, 7.8, bold, colour)
            cx += cw
        c.line(x0, y + row_h, x0 + w, y + row_h, LINE, 0.5)
        y += row_h
    # practise next: the weakest topic
    y += 14
    topics: dict[str, list[int]] = {}
    for h in finished:
        for t in h["topics"]:
            topics.setdefault(t, []).append(h["overall"])
    if topics:
        ranked = sorted(((sum(v) / len(v), t, len(v)) for t, v in topics.items()))
        c.text(x0, y, w, 16, "By CRCR topic", 11, True)
        y += 20
        for mean, topic, n in ranked[:3]:
            c.text(x0, y, 190, 14, topic_name(topic), 8.5)
            c.box(x0 + 190, y + 3, 180, 8, SURFACE)
            c.box(x0 + 190, y + 3, 180 * mean / 100, 8, score_colour(mean).name())
            c.text(x0 + 376, y, 120, 14, f"{mean:.0f}  ({n} call{'s' if n != 1 else ''})", 8.5)
            y += 16
        c.text(x0, y + 2, w, 14, f"Practise next: {topic_name(ranked[0][1])}.", 9, True, ACCENT)
        y += 22
    # supervisor comments
    if comments:
        y += 6
        c.text(x0, y, w, 16, "Supervisor notes", 11, True)
        y += 20
        for author, kind, dim, value, text, created, title in comments:
            head = f"{author}, {_date(created)}, on “{title}”"
            if kind == "override":
                head += f": {dim} set to {value}"
            c.text(x0, y, w, 13, head, 8, True, MUTED)
            y += 13
            if text:
                y += c.wrapped(x0, y, w, text, 8.5, INK, 36) + 4
            if y > PAGE_H - 70:
                break
    # footer
    c.line(x0, PAGE_H - 40, x0 + w, PAGE_H - 40, LINE, 0.6)
    c.text(
        x0,
        PAGE_H - 36,
        w,
        12,
        "Scores are the trainer's automatic scores; a supervisor's override is "
        "listed beside the call, never in place of it. Practice data only.",
        7,
        False,
        MUTED,
    )
