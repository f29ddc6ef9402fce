"""Regenerate the README screenshots: python scripts/screenshots.py (no screen needed).

Plays a few synthetic calls into a temporary database, then saves the home, call,
feedback, debrief, progress and supervisor screens to docs/img/.
"""
from __future__ import annotations

import os
import sys
import tempfile
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
from trainer.ui.main_window import MainWindow  # noqa: E402
from trainer.ui.theme import build_style  # noqa: E402

OUT = ROOT / "docs" / "img"
REPLIES = [
    "Hi, this is Sam in patient billing. I'm sorry the bill was a surprise; that sounds stressful. Before we "
    "look at it, can I have your full name and date of birth?",
    "Thank you. Your insurance paid its part, and the rest went to your coinsurance and deductible per the EOB.",
]
HISTORY = [("copay-at-registration", 11), ("elderly-confused-eob", 12), ("collector-dispute", 13),
           ("job-loss-financial-assistance", 14)]


def main() -> None:
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(build_style())
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "trainer.db")
        library = load_library(BUILTIN_SCENARIOS_DIR)
        trainee = store.sign_in("Jordan Avery")
        for name in ("Priya Nair", "Marcus Lee", "Elena Ruiz"):
            other = store.sign_in(name)
            for scenario_id, seed in HISTORY[:3]:
                replay(library, store, other, scenario_id, seed)
        for scenario_id, seed in HISTORY:
            replay(library, store, trainee, scenario_id, seed)
        window = MainWindow(library, store, Settings(), Path(tmp))
        window.resize(1280, 800)
        window.show()
        window.sign_in.name.setText("Jordan Avery")
        window.sign_in.submit()
        shoot(app, window, "home.png")
        window.session = CallSession(library.get("surprise-deductible"), store, window.trainee_id, seed=7)
        window.stack.setCurrentWidget(window.call)
        window.call.begin(window.session)
        window.call.reply.setPlainText(REPLIES[0])
        window.call.submit()
        shoot(app, window, "call.png")
        window.call.reply.setPlainText(REPLIES[1])
        window.call.submit()
        shoot(app, window, "feedback.png")
        window.call.hang_up()
        shoot(app, window, "debrief.png")
        window.show_progress()
        shoot(app, window, "progress.png")
        window.supervisor.unlock()
        window.stack.setCurrentWidget(window.supervisor)
        window.supervisor.table.selectRow(0)
        window.supervisor.sessions.selectRow(0)
        shoot(app, window, "supervisor.png")
        window._closing_allowed = True
        window.close()
        store.close()


def replay(library, store, trainee_id, scenario_id, seed) -> None:
    """A past call answered with its model answers (and one weak reply, so the history varies)."""
    session = CallSession(library.get(scenario_id), store, trainee_id, seed=seed)
    line = session.open()
    first = True
    while not session.finished:
        reply = "Ok, let me check." if first and seed % 2 else line.model_answer
        first = False
        line = session.submit(reply).patient


def shoot(app: QApplication, window, name: str) -> None:
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(OUT / name))
    print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
