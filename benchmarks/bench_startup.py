"""From launch to an interactive home screen (sign-in page shown, event loop idle), median of 5."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = r"""
import sys, time
t0 = float(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from trainer.cli import library_for, build_parser
from trainer.config import database_path
from trainer.store.store import Store
from trainer.store.worker import StoreThread
from trainer.settings import load_settings
from trainer.ui.main_window import MainWindow
from trainer.ui.theme import build_style
app = QApplication([])
args = build_parser().parse_args(["--data-dir", sys.argv[3]])
settings, _ = load_settings(sys.argv[3])
app.setStyleSheet(build_style(settings.text_size, settings.high_contrast))
w = MainWindow(library_for(args), StoreThread(lambda: Store(database_path(args.data_dir))), settings, sys.argv[3])
w.show()
QTimer.singleShot(0, lambda: (print(f"{time.time() - t0:.3f}"), app.quit()))
app.exec()
"""


def main() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(5):
            import time

            out = subprocess.run(
                [sys.executable, "-c", PROBE, str(time.time()), str(ROOT), tmp],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            times.append(float(out.stdout.strip().splitlines()[-1]))
    print(
        f"   launch to interactive home screen: median {statistics.median(times) * 1000:.0f} ms "
        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms; target <= 1500 ms)"
    )


if __name__ == "__main__":
    main()
