"""Ask for the supervisor PIN (wrong tries count toward the lock-out), or change it with the current one.
The PIN lives in the database (trainer.store.pins); every check runs on the store's thread."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

from ..pin import PinError
from ..store.pins import change_supervisor_pin, check_supervisor_pin, supervisor_pin
from .widgets import label, pin_field


class PinDialog(QDialog):
    def __init__(self, parent, data, purpose: str):
        super().__init__(parent)
        self.data = data
        self.setWindowTitle("Supervisor PIN")
        box = QVBoxLayout(self)
        box.addWidget(label(purpose))
        self.pin = pin_field("4 to 8 digits", "Supervisor PIN")
        box.addWidget(self.pin)
        self.message = label("", "hint")
        box.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.check)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    def check(self) -> None:
        try:
            ok = self.data.call(check_supervisor_pin, self.pin.text())
        except PinError as e:
            self.message.setText(str(e))
            return
        if ok:
            self.accept()
        else:
            self.message.setText("That PIN is not right.")
            self.pin.selectAll()


def pin_state(data) -> str:
    """ "none", "set" or "damaged" (a PIN was set but its record is gone: everything stays locked)."""
    return data.call(supervisor_pin)[0]


def ask_pin(parent, data, purpose: str) -> bool:
    """True when no PIN was ever set, or the right one was given. A damaged PIN record never lets anyone in."""
    state = pin_state(data)
    if state == "none":
        return True
    dialog = PinDialog(parent, data, purpose)
    if state == "damaged":
        try:
            data.call(check_supervisor_pin, "0000")
        except PinError as e:
            dialog.message.setText(str(e))
    return dialog.exec() == QDialog.DialogCode.Accepted


class ChangePinDialog(QDialog):
    """Set, change or remove the supervisor PIN; when one is set, the current PIN is always needed."""

    def __init__(self, parent, data):
        super().__init__(parent)
        self.data = data
        self.setWindowTitle("Supervisor PIN")
        has_one = pin_state(data) != "none"
        box = QVBoxLayout(self)
        self.current = pin_field("the PIN in use now", "Current supervisor PIN")
        self.new = pin_field("4 to 8 digits; empty removes the PIN", "New supervisor PIN")
        if has_one:
            box.addWidget(label("Current PIN"))
            box.addWidget(self.current)
        box.addWidget(label("New PIN"))
        box.addWidget(self.new)
        self.message = label("", "hint")
        box.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    def apply(self) -> None:
        try:
            self.data.call(change_supervisor_pin, self.current.text(), self.new.text() or None)
        except PinError as e:
            self.message.setText(str(e))
            return
        self.accept()
