"""Regenerate the README screenshots: python scripts/screenshots.py (no screen needed)."""
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
from trainer.store.store import Store  # noqa: E402
from trainer.ui.main_window import MainWindow  # noqa: E402
from trainer.ui.theme import STYLE  # noqa: E402

OUT = ROOT / "docs" / "img"
REPLIES = [
    "Hi, this is Sam in patient billing. I'm sorry the bill was a surprise. Before we look at it, "
    "can I have your full name and date of birth?",
    "Thank you. Your insurance paid its part, and the rest went to your deductible, which is the amount "
    "you pay each year before insurance starts paying. Does that make sense?",
]


def main() -> None:
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(STYLE)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "trainer.db")
        window = MainWindow(load_library(BUILTIN_SCENARIOS_DIR), store)
        window.resize(1280, 800)
        window.show()
        window.sign_in.name.setText("Jordan Avery")
        window.sign_in.submit()
        shoot(app, window, "home.png")
        window.session = CallSession(window.library.get("surprise-deductible"), store, window.trainee_id, seed=7)
        window.stack.setCurrentWidget(window.call)
        window.call.begin(window.session)
        for reply in REPLIES:
            window.call.reply.setPlainText(reply)
            window.call.submit()
        shoot(app, window, "call.png")
        window.call.hang_up()
        shoot(app, window, "debrief.png")
        store.close()


def shoot(app: QApplication, window, name: str) -> None:
    for _ in range(3):
        app.processEvents()
    window.grab().save(str(OUT / name))
    print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
