"""Start the window: check for a display, open the database (with a way out if it is bad), show."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Qt loads only when a window is wanted
    from PySide6.QtWidgets import QProgressDialog

NO_DISPLAY = (
    "billing-trainer: no display found ($DISPLAY and $WAYLAND_DISPLAY are unset), so the window "
    "cannot open. Run it on a desktop session, or use the terminal commands, e.g. "
    "`python main.py practice surprise-deductible` (see `python main.py --help`)."
)


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

    from ..config import data_dir, database_path
    from ..settings import load_settings
    from ..startup import library
    from .main_window import MainWindow
    from .theme import build_style
    from .widgets import plain_message

    app = QApplication.instance()
    if not isinstance(app, QApplication):  # instance() is typed as any QCoreApplication
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Billing Conversation Trainer")
    folder = data_dir(args.data_dir)
    settings, warning = load_settings(folder)
    app.setStyleSheet(build_style(settings.text_size, settings.high_contrast))
    data = open_store_or_explain(database_path(args.data_dir))
    if data is None:
        return 1
    window = MainWindow(library(args.scenarios), data, settings, folder, kiosk=True if args.kiosk else None)
    window.show()
    if warning:
        plain_message(window, "Settings", warning)
    code = app.exec()
    data.close()  # the store's thread finishes its work and ends the run cleanly
    return code


def open_store_or_explain(path):
    """Open the database on the store's own thread; on failure explain in a dialog, offering to move a
    bad file aside. An upgrade runs first, here, so its notice can show."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from ..startup import move_aside, open_store
    from ..store.errors import StoreError
    from ..store.worker import StoreThread
    from .widgets import plain_message

    while True:
        notice = UpgradeNotice()
        notes: list[str | None] = []

        def opener(notes=notes):
            store, note = open_store(path)
            notes.append(note)
            return store

        try:
            open_store(path, notice.show, begin_run=False)[0].close()  # check and upgrade, with the notice
            notice.close()
            data = StoreThread(opener)
            if notes and notes[0]:
                print(f"billing-trainer: {notes[0]}", file=sys.stderr)
            return data
        except StoreError as e:
            notice.close()
            box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open the trainer's data", str(e))
            box.setTextFormat(Qt.TextFormat.PlainText)  # the message quotes a path, which may hold anything
            move = box.addButton("Move it aside and start fresh", QMessageBox.ButtonRole.AcceptRole) if e.can_move_aside else None
            box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if move is None or box.clickedButton() is not move:
                print(f"billing-trainer: {e}", file=sys.stderr)
                return None
            moved = move_aside(path)
            plain_message(None, "Moved aside", f"The old file is kept as {moved}.", QMessageBox.Icon.Information)


class UpgradeNotice:
    """A small window saying the data is being upgraded (shown before the backup and upgrade begin).

    The upgrade runs on this thread, so the window is painted once and then waits with the app."""

    def __init__(self) -> None:
        self.box: QProgressDialog | None = None

    def show(self, old: int, new: int) -> None:
        from PySide6.QtWidgets import QApplication

        from .widgets import busy_dialog

        self.box = busy_dialog(
            f"Upgrading the trainer's data (schema {old} to {new}). A backup is written "
            "first; a class-sized database takes a few minutes."
        )
        self.box.setWindowTitle("Billing Conversation Trainer")
        self.box.setMinimumDuration(0)
        self.box.show()
        QApplication.processEvents()  # once, to paint it before the work starts

    def close(self) -> None:
        if self.box is not None:
            self.box.close()
            self.box = None
