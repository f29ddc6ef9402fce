"""The supervisor's Learning Record Store panel: where statements go, which environment variable holds the
key (the key itself is never stored), "Send now", what waits in the outbox and what the LRS last said.

Self-contained: it is given what it needs. settings is the saved LRSSettings; save(settings) stores a
changed one; send(settings) -> FlushResult runs OFF the GUI thread (a sqlite connection does not cross
threads: pass the database file to trainer.store.xapi.send_now); status() -> OutboxStatus reads the
outbox folder; retry_rejected() -> int puts the batches the LRS refused back in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..store.xapi_lrs import FlushResult, OutboxStatus
from .workers import run_in_background


@dataclass
class LRSSettings:
    endpoint: str = ""
    user: str = ""
    key_env: str = "BILLING_TRAINER_LRS_PASSWORD"


class LRSPanel(QWidget):
    def __init__(
        self,
        settings: LRSSettings,
        save: Callable[[LRSSettings], None],
        send: Callable[[LRSSettings], FlushResult],
        status: Callable[[], OutboxStatus],
        retry_rejected: Callable[[], int] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._save, self._send, self._status, self._retry = save, send, status, retry_rejected
        self.endpoint = QLineEdit(settings.endpoint)
        self.endpoint.setPlaceholderText("https://lrs.example.org/xapi/")
        self.endpoint.setAccessibleName("LRS endpoint")
        self.user = QLineEdit(settings.user)
        self.user.setPlaceholderText("empty: the variable holds key:secret")
        self.user.setAccessibleName("LRS user or key")
        self.key_env = QLineEdit(settings.key_env)
        self.key_env.setAccessibleName("Name of the environment variable holding the LRS key")
        self.key_env.setToolTip("Only the variable's name is saved; set the variable itself where the app starts.")
        form = QFormLayout()
        form.addRow("LRS endpoint", self.endpoint)
        form.addRow("User", self.user)
        form.addRow("Key from the environment variable", self.key_env)

        self.send_button = QPushButton("Send now")
        self.send_button.setAccessibleName("Send the finished calls to the LRS now")
        self.send_button.clicked.connect(self.send_now)
        self.retry_button = QPushButton("Retry rejected")
        self.retry_button.setAccessibleName("Put the batches the LRS rejected back in the outbox")
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.setVisible(retry_rejected is not None)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)

        self.outbox_label = QLabel()
        self.outbox_label.setAccessibleName("Outbox")
        self.result_label = QLabel()
        self.result_label.setAccessibleName("Last result")
        for label in (self.outbox_label, self.result_label):
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.outbox_label)
        layout.addWidget(self.result_label)
        self.refresh()

    def settings(self) -> LRSSettings:
        return LRSSettings(self.endpoint.text().strip(), self.user.text().strip(), self.key_env.text().strip())

    def refresh(self) -> None:
        try:
            st = self._status()
        except OSError as e:
            self.outbox_label.setText(f"The outbox cannot be read: {e.strerror or e}")
            return
        text = f"Outbox: {st.batches} batch(es), {st.statements} statement(s) waiting."
        if st.rejected:
            text += f" {st.rejected} batch(es) rejected by the LRS; its reason: {st.last_reason or 'not given'}"
        self.outbox_label.setText(text)
        self.retry_button.setEnabled(bool(st.rejected))

    def send_now(self) -> None:
        settings = self.settings()
        if not settings.endpoint:
            self.result_label.setText("Enter the LRS endpoint first.")
            return
        self._save(settings)
        self.send_button.setEnabled(False)
        self.result_label.setText("Sending…")
        run_in_background(lambda cancel: self._send(settings), self._sent, self._failed)

    def _sent(self, result: FlushResult) -> None:
        self.send_button.setEnabled(True)
        self.result_label.setText(result.summary())
        self.refresh()

    def _failed(self, message: str) -> None:
        self.send_button.setEnabled(True)
        self.result_label.setText(f"Could not send: {message}")
        self.refresh()

    def retry(self) -> None:
        if self._retry is None:
            return
        moved = self._retry()
        self.result_label.setText(f"{moved} batch(es) back in the outbox; press Send now.")
        self.refresh()


def lrs_dialog(parent: QWidget, data) -> QDialog:
    """The panel in a dialog, wired to the store's thread (data: a StoreThread): the settings live in the
    database, the key stays in the environment."""
    from ..store import xapi

    def read(store) -> LRSSettings:
        return LRSSettings(
            store.setting(xapi.SETTING_ENDPOINT) or "",
            store.setting(xapi.SETTING_USER) or "",
            store.setting(xapi.SETTING_KEY_ENV) or xapi.DEFAULT_KEY_ENV,
        )

    def save(s: LRSSettings) -> None:
        data.call(
            lambda store: [
                store.set_setting(k, v)
                for k, v in ((xapi.SETTING_ENDPOINT, s.endpoint), (xapi.SETTING_USER, s.user), (xapi.SETTING_KEY_ENV, s.key_env))
            ]
        )

    outbox = xapi.Outbox.beside(data.proxy().path)
    panel = LRSPanel(
        data.call(read),
        save,
        lambda s: data.call(xapi.send_now, outbox, s.endpoint, s.key_env, user=s.user),
        outbox.status,
        outbox.retry_rejected,
    )
    dialog = QDialog(parent)
    dialog.setWindowTitle("Learning record store")
    box = QVBoxLayout(dialog)
    box.addWidget(panel)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    box.addWidget(buttons)
    return dialog
