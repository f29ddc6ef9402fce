"""Ask for the supervisor PIN; wrong tries count toward the lock-out."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from ..pin import PinError, has_pin, verify_pin
from .widgets import label, pin_field


class PinDialog(QDialog):
    def __init__(self, parent, settings, save, purpose: str):
        super().__init__(parent)
        self.settings = settings
        self.save = save  # persists the failure count, so a restart does not reset the lock-out
        self.setWindowTitle("Supervisor PIN")
        box = QVBoxLayout(self)
        box.addWidget(QLabel(purpose))
        self.pin = pin_field("4 to 8 digits", "Supervisor PIN")
        box.addWidget(self.pin)
        self.message = label("", "hint")
        box.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.check)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    def check(self) -> None:
        try:
            ok = verify_pin(self.settings, self.pin.text())
        except PinError as e:
            self.message.setText(str(e))
            self.save()
            return
        self.save()
        if ok:
            self.accept()
        else:
            self.message.setText("That PIN is not right.")
            self.pin.selectAll()


def ask_pin(parent, settings, save, purpose: str) -> bool:
    """True when no PIN is set yet, or the right one was given."""
    if not has_pin(settings):
        return True
    return PinDialog(parent, settings, save, purpose).exec() == QDialog.Accepted
