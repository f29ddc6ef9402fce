"""Regenerate the README screenshots: python scripts/screenshots.py (no screen needed).

Plays synthetic calls into a temporary database, then saves the home, call, feedback, debrief,
progress and supervisor screens to docs/img/ at 1280×800, and the call screen once more at 16 pt
text with high contrast (large-text.png). Every trainee here is made up.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from trainer.config import BUILTIN_SCENARIOS_DIR  # noqa: E402
from trainer.scenarios.loader import load_library  # noqa: E402
from trainer.session import CallSession  # noqa: E402
from trainer.settings import Settings  # noqa: E402
from trainer.store.store import Store  # noqa: E402
from trainer.store.worker import StoreThread  # noqa: E402
from trainer.ui.main_window import MainWindow  # noqa: E402
from trainer.ui.theme import build_style  # noqa: E402

OUT = ROOT / "docs" / "img"
SIZE = (1280, 800)
TRAINEE, PIN = "Jordan Avery", "2468"
REPLIES = [
    "Hi, this is Sam in patient billing. I'm sorry the bill was a surprise; that sounds stressful. Before we "
    "look at it, can I have your full name and date of birth?",
    "Thank you. Your insurance paid its part, and the rest went to your coinsurance and deductible per the EOB.",
]
# (scenario, seed): odd seeds open with a weak reply, so the record starts uneven and improves
HISTORY = [
    ("copay-at-registration", 11),
    ("elderly-confused-eob", 13),
    ("collector-dispute", 15),
    ("job-loss-financial-assistance", 17),
    ("surprise-deductible", 19),
    ("copay-at-registration", 21),
    ("elderly-confused-eob", 23),
    ("collector-dispute", 25),
    ("surprise-deductible", 27),
    ("job-loss-financial-assistance", 29),
    ("copay-at-registration", 12),
    ("elderly-confused-eob", 14),
    ("collector-dispute", 16),
    ("surprise-deductible", 18),
    ("job-loss-financial-assistance", 20),
    ("copay-at-registration", 22),
    ("elderly-confused-eob", 24),
]


def main() -> None:
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(build_style())
    OUT.mkdir(parents=True, exist_ok=True)
    library = load_library(BUILTIN_SCENARIOS_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trainer.db"
        store = Store(path)
        trainee = store.sign_in(TRAINEE)
        for name in ("Priya Nair", "Marcus Lee", "Elena Ruiz"):
            other = store.sign_in(name)
            for scenario_id, seed in HISTORY[:3]:
                replay(library, store, other, scenario_id, seed)
        for scenario_id, seed in HISTORY:
            replay(library, store, trainee, scenario_id, seed)
        store.close()
        data = StoreThread(lambda: Store(path))
        window = MainWindow(library, data, Settings(), Path(tmp))
        window.resize(*SIZE)
        window.show()
        window.sign_in.name.setText(TRAINEE)
        window.sign_in.pin.setText(PIN)
        window.sign_in.submit()
        shoot(app, window, "home.png")
        window.session = CallSession(library.get("surprise-deductible"), window.store, window.trainee_id, seed=7)
        window.stack.setCurrentWidget(window.call)
        window.call.begin(window.session)
        settle(app, window)
        send(app, window, REPLIES[0])
        shoot(app, window, "call.png")
        send(app, window, REPLIES[1])
        shoot(app, window, "feedback.png")
        app.setStyleSheet(build_style(16, high_contrast=True))
        shoot(app, window, "large-text.png")
        app.setStyleSheet(build_style())
        window.call.hang_up()
        settle(app, window)
        shoot(app, window, "debrief.png")
        window.show_progress()
        shoot(app, window, "progress.png")
        window.open_supervisor()
        supervisor = window.supervisor
        row = next(r for r in range(supervisor.proxy.rowCount()) if supervisor.proxy.index(r, 0).data() == TRAINEE)
        supervisor.table.selectRow(row)
        supervisor.sessions.selectRow(supervisor.sessions.rowCount() - 1)
        shoot(app, window, "supervisor.png")
        window._closing_allowed = True
        window.close()
        data.close()


def replay(library, store, trainee_id, scenario_id, seed) -> None:
    """A past call answered with its model answers (and one weak reply, so the history varies)."""
    session = CallSession(library.get(scenario_id), store, trainee_id, seed=seed)
    line = session.open()
    first = True
    while not session.finished:
        reply = "Ok, let me check." if first and seed % 2 else line.model_answer
        first = False
        line = session.submit(reply).patient


def settle(app: QApplication, window, timeout: float = 30.0) -> None:
    """Wait for the call's turn, which runs off the GUI thread."""
    end = time.monotonic() + timeout
    while window.call.controller.pending and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def send(app: QApplication, window, reply: str) -> None:
    window.call.reply.setPlainText(reply)
    window.call.submit()
    settle(app, window)


def shoot(app: QApplication, window, name: str) -> None:
    window.resize(*SIZE)
    for _ in range(10):  # layouts, cards and charts settle over a few turns of the event loop
        app.processEvents()
        time.sleep(0.01)
    if (window.width(), window.height()) != SIZE:
        raise SystemExit(f"{name}: the window grew to {window.width()}×{window.height()}")
    window.grab().save(str(OUT / name))
    print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
