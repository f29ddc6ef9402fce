"""The main window: sign in -> scenarios -> call -> debrief, as pages of one stack."""
from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QStackedWidget

from ..scenarios.loader import Library
from ..session import CallSession
from ..store.store import Store
from .call_view import CallPage
from .catalogue import CataloguePage
from .debrief import DebriefPage
from .sign_in import SignInPage


class MainWindow(QMainWindow):
    def __init__(self, library: Library, store: Store):
        super().__init__()
        self.library = library
        self.store = store
        self.trainee_id: str | None = None
        self.session: CallSession | None = None
        self.setWindowTitle("Billing Conversation Trainer")
        self.resize(1280, 800)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.sign_in = SignInPage()
        self.catalogue = CataloguePage(library)
        self.call = CallPage()
        self.debrief = DebriefPage()
        for page in (self.sign_in, self.catalogue, self.call, self.debrief):
            self.stack.addWidget(page)
        self.sign_in.signed_in.connect(self.on_signed_in)
        self.catalogue.start_requested.connect(self.start_call)
        self.catalogue.sign_out_requested.connect(self.sign_out)
        self.call.finished.connect(self.on_call_finished)
        self.debrief.home_requested.connect(self.show_catalogue)
        self.debrief.again_requested.connect(lambda: self.start_call(self.session.scenario.id))
        self.sign_in.reset()

    def on_signed_in(self, name: str) -> None:
        self.trainee_id = self.store.sign_in(name)
        self.catalogue.show_trainee(name)
        self.show_catalogue()

    def show_catalogue(self) -> None:
        self.stack.setCurrentWidget(self.catalogue)
        self.catalogue.list.setFocus()

    def start_call(self, scenario_id: str) -> None:
        loaded = self.library.get(scenario_id)
        self.session = CallSession(loaded, self.store, self.trainee_id)
        self.stack.setCurrentWidget(self.call)
        self.call.begin(self.session)

    def on_call_finished(self) -> None:
        self.debrief.show_session(self.session)
        self.stack.setCurrentWidget(self.debrief)

    def sign_out(self) -> None:
        self.trainee_id = None
        self.session = None
        self.stack.setCurrentWidget(self.sign_in)
        self.sign_in.reset()

    def closeEvent(self, event) -> None:
        if self.session is not None:
            self.session.hang_up()  # a call left open is marked as ended by the trainee
        super().closeEvent(event)
