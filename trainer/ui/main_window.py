"""The main window: sign in, then calls, progress and the supervisor area; kiosk mode around it all."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..assignments import assigned_to
from ..coach import practise_next
from ..config import remember_data_dir
from ..progress import load_progress, scenario_stats
from ..scenarios.loader import Library
from ..session import CallSession
from ..settings import OLD_PIN_KEYS, Settings, save_settings
from ..store import queries
from ..store.pins import SignInError, adopt_old_pin, trainee_sign_in
from ..store.worker import StoreThread
from ..voice import Voice
from ..voice.tts import default_engines
from ..voice.stt import Transcriber
from .call_view import CallPage
from .catalogue import CataloguePage
from .debrief import DebriefPage
from .kiosk import IdleWatcher
from .model_voice import ModelVoice
from .pin_dialog import ask_pin
from .progress_view import ProgressPage
from .settings_dialog import SettingsDialog
from .sign_in import SignInPage
from .supervisor import SupervisorPage
from .theme import build_style
from .widgets import label, plain_message, plain_tip


class MainWindow(QMainWindow):
    def __init__(
        self,
        library: Library,
        data: StoreThread,
        settings: Settings | None = None,
        data_dir: Path | None = None,
        kiosk: bool | None = None,
    ):
        super().__init__()
        self.library = library
        self.data = data  # the store's own thread: the window never runs SQL itself
        self.store = data.proxy()  # the Store's methods, each run on that thread (a call's session uses it)
        self.settings = settings or Settings()
        self.data_dir = Path(data_dir) if data_dir else self.store.path.parent
        self.kiosk = self.settings.kiosk if kiosk is None else kiosk
        self.trainee_id: str | None = None
        self.trainee_name = ""
        self.session: CallSession | None = None
        self._closing_allowed = not self.kiosk
        self.models = ModelVoice(self, lambda: self.settings, self.data_dir, on_ready=self.start_call)
        self.setWindowTitle("Billing Conversation Trainer")
        self.resize(1280, 800)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.topbar = self._build_topbar()
        outer.addWidget(self.topbar)
        self.idle_banner = label("", "warning")
        self.idle_banner.hide()
        outer.addWidget(self.idle_banner)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.sign_in = SignInPage()
        self.catalogue = CataloguePage(library)
        self.call = CallPage(self._voice(), Transcriber(self.data_dir / "voice-models" / "whisper-base"))
        self.call.configure_voice(self.settings.voice_on, self.settings.voice_rate)
        self.debrief = DebriefPage()
        self.progress = ProgressPage()
        self.supervisor = SupervisorPage(data, library, self.data_dir)
        for page in (self.sign_in, self.catalogue, self.call, self.debrief, self.progress, self.supervisor):
            self.stack.addWidget(page)
        self.sign_in.signed_in.connect(self.on_signed_in)
        self.sign_in.supervisor_requested.connect(self.open_supervisor)
        self.catalogue.start_requested.connect(self.start_call)
        self.call.finished.connect(self.on_call_finished)
        self.call.could_not_start.connect(self._call_could_not_start)
        self.debrief.home_requested.connect(self.show_catalogue)
        self.debrief.again_requested.connect(self._call_again)
        self.debrief.next_requested.connect(self.start_call)
        self.debrief.retry_requested.connect(self.retry_from_debrief)
        self.supervisor.close_requested.connect(self.leave_supervisor)
        self.stack.currentChanged.connect(self._sync_nav)

        app = QApplication.instance()
        self.idle = IdleWatcher(app, self.settings.idle_minutes * 60_000, self.settings.idle_warning_seconds)
        self.idle.warn.connect(self._idle_warning)
        self.idle.cleared.connect(self.idle_banner.hide)
        self.idle.timed_out.connect(self.sign_out)
        QShortcut(QKeySequence("Ctrl+1"), self).activated.connect(lambda: self._nav("calls"))
        QShortcut(QKeySequence("Ctrl+2"), self).activated.connect(lambda: self._nav("progress"))
        QShortcut(QKeySequence("Ctrl+3"), self).activated.connect(lambda: self._nav("supervisor"))
        if self.settings.window_geometry and not self.kiosk:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        self._adopt_old_pin()
        self.sign_out()
        # What start-up made (the library, the pages) lives as long as the window: keep it out of the
        # collector's full scans, which otherwise pause the event loop for tens of milliseconds.
        gc.freeze()

    # layout
    def _build_topbar(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("topbar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 6, 16, 6)
        self.who = label("", "h2", wrap=False)
        row.addWidget(self.who)
        row.addStretch(1)
        self.nav = QButtonGroup(self)
        self.nav_buttons = {}
        for key, text, tip in (
            ("calls", "Calls", "Ctrl+1"),
            ("progress", "Progress", "Ctrl+2"),
            ("supervisor", "Supervisor", "Ctrl+3"),
            ("settings", "Settings", ""),
            ("sign_out", "Sign out", ""),
        ):
            button = QPushButton(text)
            button.setObjectName("nav")
            button.setAccessibleName(text)
            if tip:
                button.setToolTip(tip)
            if key in ("calls", "progress", "supervisor"):
                button.setCheckable(True)
                self.nav.addButton(button)
            button.clicked.connect(lambda _=False, k=key: self._nav(k))
            row.addWidget(button)
            self.nav_buttons[key] = button
        return bar

    def _nav(self, key: str) -> None:
        if self.trainee_id is None and key != "supervisor":
            return
        if key == "calls":
            self.show_catalogue()
        elif key == "progress":
            self.show_progress()
        elif key == "supervisor":
            self.open_supervisor()
        elif key == "settings":
            self.open_settings()
        elif key == "sign_out":
            self.sign_out()
        self._sync_nav()

    def _sync_nav(self, *_) -> None:
        current = self.stack.currentWidget()
        for key, page in (("calls", self.catalogue), ("progress", self.progress), ("supervisor", self.supervisor)):
            self.nav_buttons[key].setChecked(current is page or (key == "calls" and current in (self.call, self.debrief)))
        self.topbar.setVisible(current is not self.sign_in)

    # trainee flow
    def on_signed_in(self, name: str, pin: str) -> None:
        try:
            self.trainee_id = self.data.call(trainee_sign_in, name, pin)
        except SignInError as e:
            self.sign_in.refuse(str(e))
            return
        self.trainee_name = name
        self.who.setText(name)
        plain_tip(self.who, name)
        if self.kiosk:
            self.idle.start()
        self.show_catalogue()

    def _pick(self, stats=None):
        stats = stats if stats is not None else self._stats()
        return practise_next(self.library, stats, self._progress())

    def _stats(self):
        return scenario_stats(self.data.call(queries.scenario_attempts, self.trainee_id))

    def _progress(self):
        return load_progress(self.data.call(queries.ended_calls, self.trainee_id), self.library)

    def show_catalogue(self) -> None:
        stats = self._stats()
        self.catalogue.show_trainee(self.trainee_name, stats, self._pick(stats))
        self.catalogue.assigned.show_assignments(self.data.call(assigned_to, self.library, self.trainee_id), self.library)
        self.stack.setCurrentWidget(self.catalogue)
        self.catalogue.list.setFocus()

    def show_progress(self) -> None:
        self.progress.show_progress(self._progress())
        self.stack.setCurrentWidget(self.progress)

    def start_call(self, scenario_id: str) -> None:
        loaded = self.library.get(scenario_id)
        if loaded is None or self.trainee_id is None:
            return
        if self.session is not None:
            self.session.hang_up()
        if self.models.needs_local_server():
            self.models.start_local_server(scenario_id)  # the call starts when it is ready
            return
        self.session = CallSession(loaded, self.store, self.trainee_id, **self.models.persona_choice())
        self.call.judge = self.models.judge()
        self.stack.setCurrentWidget(self.call)
        self.call.begin(self.session)

    def _voice(self) -> Voice:
        return Voice(self.data_dir / "voice-cache", engines=default_engines(natural=self.settings.voice_natural))

    def _call_could_not_start(self, message: str) -> None:
        plain_message(
            self, "This call could not start", f"{message}\n\nNothing was scored; choose another call or tell your supervisor."
        )
        self.session = None
        self.call.reset()
        self.show_catalogue()

    def on_call_finished(self) -> None:
        if self.session is None:  # the call page reports only the call this window started
            return
        self.debrief.show_session(self.session, self._pick())
        self.stack.setCurrentWidget(self.debrief)

    def _call_again(self) -> None:
        if self.session is not None:
            self.start_call(self.session.scenario.id)

    def retry_from_debrief(self) -> None:
        if self.session is not None and self.session.can_retry:
            self.stack.setCurrentWidget(self.call)
            self.call.retry()

    def sign_out(self) -> None:
        """End any call and clear every page, so nothing of this trainee stays on screen."""
        if self.session is not None:
            self.session.hang_up()
        self.session = None
        self.trainee_id = None
        self.trainee_name = ""
        self.who.clear()
        self.idle.stop()
        self.idle_banner.hide()
        self.catalogue.show_trainee("", {}, None)
        self.catalogue.assigned.clear()
        self.call.reset()
        self.debrief.clear()
        self.progress.clear()
        self.supervisor.lock()
        self.stack.setCurrentWidget(self.sign_in)
        self._sync_nav()  # (no currentChanged when the sign-in page was already showing)
        self.sign_in.reset()
        self._apply_window_mode()

    def _idle_warning(self, seconds: int) -> None:
        self.idle_banner.setText(f"No activity: signing out in {seconds} s. Move the mouse or press a key to stay.")
        self.idle_banner.show()

    # supervisor and settings
    def _adopt_old_pin(self) -> None:
        """An older version kept the supervisor PIN in settings.json; it moves into the database once."""
        old = {k: self.settings.extra.pop(k) for k in OLD_PIN_KEYS if k in self.settings.extra}
        if old and self.data.call(adopt_old_pin, old):
            self._save_settings()

    def _save_settings(self) -> None:
        try:
            save_settings(self.data_dir, self.settings)
        except OSError as e:
            plain_message(self, "Settings not saved", f"Could not write the settings to {self.data_dir}: {e}")

    def open_supervisor(self) -> None:
        if ask_pin(self, self.data, "Enter the supervisor PIN to open the supervisor area."):
            self._return_to = self.stack.currentWidget()
            self.supervisor.unlock()
            self.stack.setCurrentWidget(self.supervisor)

    def leave_supervisor(self) -> None:
        self.supervisor.lock()
        target = getattr(self, "_return_to", None)
        self.stack.setCurrentWidget(target if target is not None and self.trainee_id else self.sign_in)

    def open_settings(self) -> None:
        if not ask_pin(self, self.data, "Enter the supervisor PIN to change settings."):  # kiosk or not
            return
        dialog = SettingsDialog(self, self.settings, self.data_dir, self.data)
        if not dialog.exec() or dialog.result_settings is None:
            return
        self.settings = dialog.result_settings
        self._save_settings()
        if dialog.new_data_dir and dialog.new_data_dir != self.data_dir:
            remember_data_dir(dialog.new_data_dir)
            plain_message(
                self, "Data folder", f"The app will use {dialog.new_data_dir} from its next start.", QMessageBox.Icon.Information
            )
        self.apply_settings()

    def apply_settings(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):  # instance() is typed as any QCoreApplication
            app.setStyleSheet(build_style(self.settings.text_size, self.settings.high_contrast))
        self.kiosk = self.settings.kiosk
        self.idle.idle.setInterval(self.settings.idle_minutes * 60_000)
        self.call.configure_voice(self.settings.voice_on, self.settings.voice_rate)
        self.call.player.voice = self._voice()
        self._apply_window_mode()

    def _apply_window_mode(self) -> None:
        self._closing_allowed = not self.kiosk
        if self.kiosk and self.isVisible() and not self.isFullScreen():
            self.showFullScreen()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.kiosk and not self.isFullScreen():
            self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_allowed and not ask_pin(self, self.data, "Enter the supervisor PIN to close the kiosk."):
            event.ignore()
            return
        if self.session is not None:
            self.session.hang_up()  # a call left open is marked as ended by the trainee
        self.models.stop()
        if not self.kiosk:
            self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
            self._save_settings()
        super().closeEvent(event)
