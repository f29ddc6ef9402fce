"""Progress page: scores over time per dimension, mean score per CRCR topic, streak and totals."""
from __future__ import annotations

from PySide6.QtCharts import (QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries, QLineSeries,
                              QValueAxis)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ..domain import DIMENSIONS
from ..progress import Progress
from .catalogue import topic_name
from .widgets import card, label

LINE_COLOURS = {"empathy": "#c05621", "clarity": "#2b6cb0", "compliance": "#2f855a", "overall": "#1f2933"}


def stat(value: str, caption: str):
    number = label(value, "h1", wrap=False)
    number.setAlignment(Qt.AlignCenter)
    text = label(caption, "muted")
    text.setAlignment(Qt.AlignCenter)
    box = card(number, text)
    box.setAccessibleName(f"{caption}: {value}")
    return box, number


class ProgressPage(QWidget):
    def __init__(self):
        super().__init__()
        self.setObjectName("page")
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 18, 28, 18)
        box.addWidget(label("Your progress", "h1"))
        self.empty = label("No finished calls yet. Your scores appear here after your first call.", "muted")
        box.addWidget(self.empty)
        row = QHBoxLayout()
        self.numbers = {}
        for key, caption in (("streak", "day streak"), ("sessions", "calls"), ("replies", "replies scored"),
                             ("passed", "calls passed")):
            frame, number = stat("0", caption)
            self.numbers[key] = number
            row.addWidget(frame)
        box.addLayout(row)
        charts = QHBoxLayout()
        self.over_time = QChartView()
        self.over_time.setRenderHint(QPainter.Antialiasing)
        self.over_time.setAccessibleName("Chart: scores over time for empathy, clarity, compliance and overall")
        self.by_topic = QChartView()
        self.by_topic.setRenderHint(QPainter.Antialiasing)
        self.by_topic.setAccessibleName("Chart: mean overall score per CRCR topic")
        charts.addWidget(self.over_time, 3)
        charts.addWidget(self.by_topic, 2)
        box.addLayout(charts, 1)

    def clear(self) -> None:
        for number in self.numbers.values():
            number.setText("0")
        self.empty.show()
        self.over_time.setChart(QChart())
        self.by_topic.setChart(QChart())

    def show_progress(self, progress: Progress) -> None:
        self.numbers["streak"].setText(str(progress.streak_days))
        self.numbers["sessions"].setText(str(progress.sessions))
        self.numbers["replies"].setText(str(progress.replies))
        self.numbers["passed"].setText(str(progress.passed))
        self.empty.setVisible(not progress.points)
        self.over_time.setChart(self._time_chart(progress))
        self.by_topic.setChart(self._topic_chart(progress))

    @staticmethod
    def _time_chart(progress: Progress) -> QChart:
        chart = QChart()
        chart.setTitle("Scores by call (latest on the right)")
        axis_x = QValueAxis()
        axis_x.setRange(1, max(2, len(progress.points)))
        axis_x.setLabelFormat("%d")
        axis_x.setTitleText("call")
        axis_y = QValueAxis()
        axis_y.setRange(0, 100)
        chart.addAxis(axis_x, Qt.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignLeft)
        for name in DIMENSIONS + ("overall",):
            series = QLineSeries()
            series.setName(name.capitalize())
            pen = QPen(QColor(LINE_COLOURS[name]))
            pen.setWidth(3 if name == "overall" else 2)
            series.setPen(pen)
            for i, point in enumerate(progress.points, 1):
                value = point.scores.get(name)
                if value is not None:
                    series.append(i, value)
            chart.addSeries(series)
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignBottom)
        return chart

    @staticmethod
    def _topic_chart(progress: Progress) -> QChart:
        chart = QChart()
        chart.setTitle("Mean overall score by CRCR topic")
        bars = QBarSet("Overall")
        bars.setColor(QColor("#0f6e6e"))
        names = []
        for topic, value in progress.by_topic.items():
            bars.append(value)
            names.append(topic_name(topic))
        series = QHorizontalBarSeries()
        series.append(bars)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append(names or ["(no calls yet)"])
        axis_x = QValueAxis()
        axis_x.setRange(0, 100)
        chart.addAxis(axis_y, Qt.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        chart.legend().hide()
        return chart
