"""During a scripted call the event loop never stalls more than 50 ms: the largest gap between
ticks of a 5 ms timer while every built-in call is answered and scored through the real window.

Everything runs inside app.exec(), driven by timers, as a trainee's key presses would be.
(Calling QApplication.processEvents() from Python in a tight loop is avoided: in PySide6 6.12
each call leaks a reference to None.)
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PySide6.QtCore import QEvent, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from trainer.config import BUILTIN_SCENARIOS_DIR
    from trainer.scenarios.loader import load_library
    from trainer.settings import Settings
    from trainer.store.store import Store
    from trainer.store.worker import StoreThread
    from trainer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    library = load_library(BUILTIN_SCENARIOS_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        data = StoreThread(lambda: Store(Path(tmp) / "trainer.db"))
        window = MainWindow(library, data, Settings(), Path(tmp))
        window.show()
        window.sign_in.name.setText("Bench")
        window.sign_in.pin.setText("1357")
        window.sign_in.submit()
        gaps, last = [], [time.perf_counter()]
        queue = [s.scenario.id for s in library.scenarios]
        replies = [0]

        def tick():
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        def step():
            if window.call.controller.busy or (
                window.session is not None and window.session.current is None and not window.session.finished
            ):
                return  # the turn runs off the GUI thread; wait for the patient's line
            if window.stack.currentWidget() is window.call:
                window.call.reply.setPlainText(window.session.current.model_answer or "Thank you.")
                QApplication.postEvent(window.call.reply, QKeyEvent(QEvent.KeyPress, Qt.Key_Return, Qt.ControlModifier))
                replies[0] += 1
            elif queue:
                window.start_call(queue.pop(0))
            else:
                app.quit()

        ticker = QTimer(interval=5)
        ticker.timeout.connect(tick)
        driver = QTimer(interval=20)
        driver.timeout.connect(step)
        ticker.start()
        driver.start()
        app.exec()
        ticker.stop()
        driver.stop()
        window._closing_allowed = True
        window.close()
        data.close()
    gaps.sort()
    print(
        f"   {len(library.scenarios)} scripted calls, {replies[0]} replies through the window: largest "
        f"event-loop gap {gaps[-1] * 1000:.1f} ms, p99 {gaps[int(len(gaps) * 0.99)] * 1000:.1f} ms (target <= 50 ms)"
    )


if __name__ == "__main__":
    main()
