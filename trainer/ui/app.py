"""Start the window: check for a display, open the database (with a way out if it is bad), show."""
from __future__ import annotations

import os
import sys

NO_DISPLAY = ("billing-trainer: no display found ($DISPLAY and $WAYLAND_DISPLAY are unset), so the window "
              "cannot open. Run it on a desktop session, or use the terminal commands, e.g. "
              "`python main.py practice surprise-deductible` (see `python main.py --help`).")


def display_problem() -> str | None:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY


def run_gui(args) -> int:
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from ..cli import library_for
    from ..config import database_path
    from .main_window import MainWindow
    from .theme import STYLE

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Billing Conversation Trainer")
    app.setStyleSheet(STYLE)
    store = open_store_or_explain(database_path(args.data_dir))
    if store is None:
        return 1
    store.mark_interrupted()
    window = MainWindow(library_for(args), store)
    window.show()
    code = app.exec()
    store.close()
    return code


def open_store_or_explain(path):
    """Open the database; on failure explain in a dialog, offering to move a bad file aside."""
    from PySide6.QtWidgets import QMessageBox

    from ..store.db import StoreError, move_aside
    from ..store.store import Store

    while True:
        try:
            return Store(path)
        except StoreError as e:
            box = QMessageBox(QMessageBox.Critical, "Cannot open the trainer's data", str(e))
            move = box.addButton("Move it aside and start fresh", QMessageBox.AcceptRole) if e.can_move_aside else None
            box.addButton("Quit", QMessageBox.RejectRole)
            box.exec()
            if move is None or box.clickedButton() is not move:
                print(f"billing-trainer: {e}", file=sys.stderr)
                return None
            moved = move_aside(path)
            QMessageBox.information(None, "Moved aside", f"The old file is kept as {moved}.")
