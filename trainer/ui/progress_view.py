"""Progress page: totals, each dimension's trend (last 10 calls against the 10 before), scores by call,
and the mean score per CRCR topic (every topic listed; the ones not yet practised say so)."""

from __future__ import annotations

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from ..domain import DIMENSIONS
from ..progress import Progress, SessionPoint
from ..scenarios.schema import CRCR_TOPICS
from . import theme
from .catalogue import topic_name
from .score_card import set_bar_colour
from .widgets import box_of, card, label, vertical_scroll

LINE_COLOURS = {"empathy": "#c05621", "clarity": "#2b6cb0", "compliance": "#2f855a", "overall": "#1f2933"}
TREND_WINDOW = 10  # calls in each half of the comparison
CHART_CALLS = 30  # the chart shows at most this many of the latest calls


def trend(points: list[SessionPoint], dimension: str, window: int = TREND_WINDOW) -> tuple[int | None, int | None]:
    """(mean of the last `window` calls, mean of the `window` before them); None where there is no score."""
    values = [p.scores.get(dimension) for p in points]

    def mean(part: list) -> int | None:
        part = [v for v in part if v is not None]
        return round(sum(part) / len(part)) if part else None

    return mean(values[-window:]), mean(values[-2 * window : -window] if len(values) > window else [])


def trend_words(recent: int | None, before: int | None) -> tuple[str, str]:
    """An arrow and words for the change, and the colour to show them in."""
    if recent is None:
        return "no score yet", theme.MUTED
    if before is None:
        return "first calls: nothing to compare yet", theme.MUTED
    change = recent - before
    if change >= 1:
        return f"▲ {change} up on the {TREND_WINDOW} calls before ({before})", theme.GOOD
    if change <= -1:
        return f"▼ {-change} down on the {TREND_WINDOW} calls before ({before})", theme.BAD
    return f"► level with the {TREND_WINDOW} calls before", theme.MUTED


def tick_step(calls: int, most_ticks: int = 10) -> int:
    """A round step (1, 2, 5, 10, 20, 50 …) that labels at most most_ticks calls along the axis."""
    step = 1
    while calls / step > most_ticks:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if calls / step <= most_ticks:
                break
    return step


def stat(value: str, caption: str):
    number = label(value, "h1", wrap=False)
    number.setAlignment(Qt.AlignmentFlag.AlignCenter)
    text = label(caption, "muted")
    text.setAlignment(Qt.AlignmentFlag.AlignCenter)
    box = card(number, text)
    box.setAccessibleName(f"{caption}: {value}")
    return box, number


class ChartView(QChartView):
    """A chart that asks for no more height than its minimum, so the page fits the screen when it can."""

    def sizeHint(self) -> QSize:
        return QSize(600, self.minimumHeight())


class TrendCard(QFrame):
    """One dimension: the mean of the last 10 calls, and an arrow against the 10 before."""

    def __init__(self, dimension: str):
        super().__init__()
        self.setObjectName("card")
        self.dimension = dimension
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 10)
        box.addWidget(label(dimension.capitalize(), "h2", wrap=False))
        self.value = label("–", "h1", wrap=False)
        box.addWidget(self.value)
        self.change = label("", "", rich=True)
        box.addWidget(self.change)

    def show_trend(self, recent: int | None, before: int | None) -> None:
        words, colour = trend_words(recent, before)
        self.value.setText("–" if recent is None else str(recent))
        self.change.setText(f"<span style='color:{colour}'>{words}</span>")
        self.setAccessibleName(f"{self.dimension}: {'no score' if recent is None else recent}; {words}")


class TopicList(QWidget):
    """Every CRCR topic: a bar with its mean overall score, or "not practised"."""

    def __init__(self):
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(0, 3)  # names on one line where they can be; the bar takes the rest
        self.grid.setColumnStretch(1, 2)
        self.grid.setColumnMinimumWidth(1, 80)
        self.grid.setVerticalSpacing(6)

    def show_topics(self, by_topic: dict[str, int]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.hide()
                old.setParent(None)  # gone now, not at the next turn of the event loop
                old.deleteLater()
        practised = sorted(by_topic, key=lambda t: (by_topic[t], topic_name(t)))  # weakest first
        rest = [t for t in CRCR_TOPICS if t not in by_topic]
        for row, topic in enumerate(practised + rest):
            name = label(topic_name(topic), "")
            self.grid.addWidget(name, row, 0)
            if topic not in by_topic:
                self.grid.addWidget(label("not practised", "muted", wrap=False), row, 1, 1, 2)
                continue
            value = by_topic[topic]
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(value)
            bar.setTextVisible(False)
            bar.setAccessibleName(f"{topic_name(topic)}: mean overall score {value} of 100")
            set_bar_colour(bar, theme.score_colour(value))
            self.grid.addWidget(bar, row, 1)
            number = label(str(value), "", wrap=False)
            number.setMinimumWidth(number.fontMetrics().horizontalAdvance("100") + 4)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(number, row, 2)


class ProgressPage(QWidget):
    def __init__(self):
        super().__init__()
        self.setObjectName("page")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        body = QWidget()
        body.setObjectName("page")
        outer.addWidget(vertical_scroll(body))  # at large text sizes the page scrolls instead of squeezing the chart
        box = QVBoxLayout(body)
        box.setContentsMargins(28, 18, 28, 18)
        box.addWidget(label("Your progress", "h1"))
        self.empty = label("No finished calls yet. Your scores appear here after your first call.", "muted")
        box.addWidget(self.empty)
        row = QHBoxLayout()
        self.numbers = {}
        for key, caption in (
            ("streak", "day streak"),
            ("sessions", "calls"),
            ("replies", "replies scored"),
            ("passed", "calls passed"),
        ):
            frame, number = stat("0", caption)
            self.numbers[key] = number
            row.addWidget(frame)
        box.addLayout(row)
        box.addWidget(label(f"Your last {TREND_WINDOW} calls: mean score, and the change from the {TREND_WINDOW} before", "h2"))
        trends = QHBoxLayout()
        self.trends = {}
        for name in DIMENSIONS + ("overall",):
            self.trends[name] = TrendCard(name)
            trends.addWidget(self.trends[name], 1)
        box.addLayout(trends)
        charts = QHBoxLayout()
        self.over_time = ChartView()
        self.over_time.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.over_time.setAccessibleName("Chart: scores by call for empathy, clarity, compliance and overall")
        self.over_time.setMinimumHeight(300)
        charts.addWidget(self.over_time, 3)
        self.topics = TopicList()
        self.topics.setAccessibleName("Mean overall score per CRCR topic")
        topic_card = card(label("Mean overall score by CRCR topic", "h2"), self.topics)
        box_of(topic_card).addStretch(1)
        charts.addWidget(topic_card, 2)
        box.addLayout(charts, 1)
        self.clear()

    def clear(self) -> None:
        for number in self.numbers.values():
            number.setText("0")
        self.empty.show()
        for card_ in self.trends.values():
            card_.show_trend(None, None)
        self.over_time.setChart(QChart())
        self.topics.show_topics({})

    def show_progress(self, progress: Progress) -> None:
        self.numbers["streak"].setText(str(progress.streak_days))
        self.numbers["sessions"].setText(str(progress.sessions))
        self.numbers["replies"].setText(str(progress.replies))
        self.numbers["passed"].setText(str(progress.passed))
        self.empty.setVisible(not progress.points)
        for name, card_ in self.trends.items():
            card_.show_trend(*trend(progress.points, name))
        self.over_time.setChart(self._time_chart(progress, self.font().pointSizeF()))
        self.topics.show_topics(progress.by_topic)

    @staticmethod
    def _time_chart(progress: Progress, text_size: float) -> QChart:
        """Each line a dimension; x the call's number (1 = the trainee's first call), y the score 0-100."""
        chart = QChart()
        total = len(progress.points)
        shown = progress.points[-CHART_CALLS:]
        first = total - len(shown) + 1
        chart.setTitle("Scores by call" + (f" (your last {len(shown)})" if total > len(shown) else ""))
        small, plain = QFont(), QFont()
        small.setPointSizeF(max(8.0, text_size * 0.9))
        plain.setPointSizeF(text_size)
        heading = QFont(plain)
        heading.setBold(True)
        chart.setTitleFont(heading)
        axis_x = QValueAxis()
        axis_x.setRange(first - 0.5, max(first, total) + 0.5)  # room either side of the first and last dot
        axis_x.setTickType(QValueAxis.TickType.TicksDynamic)
        axis_x.setTickAnchor(first)
        axis_x.setTickInterval(tick_step(len(shown)))
        axis_x.setLabelFormat("%d")
        axis_x.setTitleText("call number")
        axis_y = QValueAxis()
        axis_y.setRange(0, 100)
        axis_y.setTickCount(6)  # 0, 20 … 100
        axis_y.setLabelFormat("%d")
        axis_y.setTitleText("score")
        for axis in (axis_x, axis_y):
            axis.setLabelsFont(small)
            axis.setTitleFont(small)
            axis.setMinorTickCount(0)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for name in DIMENSIONS + ("overall",):
            series = QLineSeries()
            series.setName(name.capitalize())
            pen = QPen(QColor(LINE_COLOURS[name]))
            pen.setWidth(3 if name == "overall" else 2)
            series.setPen(pen)
            series.setPointsVisible(True)  # one call is a dot, not an invisible line
            for number, point in enumerate(shown, first):
                value = point.scores.get(name)
                if value is not None:
                    series.append(number, value)
            chart.addSeries(series)
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.legend().setFont(small)
        return chart
