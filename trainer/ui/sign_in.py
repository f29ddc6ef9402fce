"""Sign-in page: a trainee gives their name (or badge id) and their personal PIN."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from .widgets import box_of, card, label, pin_field

MAX_NAME = 80


class SignInPage(QWidget):
    signed_in = Signal(str, str)  # name, PIN
    supervisor_requested = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("page")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        title = label("Billing Conversation Trainer", "h1")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub = label(
            "Practise the hard money conversations: every reply scored on empathy, clarity and compliance, with the reasons.",
            "muted",
        )
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Your name or badge id")
        self.name.setAccessibleName("Your name or badge id")
        self.name.setMaxLength(MAX_NAME)
        self.pin = pin_field("Your PIN (4 to 8 digits)", "Your personal PIN")
        self.name.returnPressed.connect(lambda: self.pin.setFocus())
        self.pin.returnPressed.connect(self.submit)
        self.button = QPushButton("Sign in")
        self.button.setObjectName("primary")
        self.button.setAccessibleName("Sign in")
        self.button.clicked.connect(self.submit)
        self.hint = label("", "hint")
        row = QHBoxLayout()
        row.addWidget(self.name, 2)
        row.addWidget(self.pin, 1)
        row.addWidget(self.button)
        box = card(
            label("Sign in", "h2"), label("New here? Type your name and choose a PIN; you will use both each time.", "muted")
        )
        box_of(box).addLayout(row)
        box_of(box).addWidget(self.hint)
        box.setMinimumWidth(460)
        outer.addWidget(title)
        outer.addWidget(sub)
        outer.addSpacing(24)
        centre = QHBoxLayout()  # stretches, not alignment: the card then gets the height its wrapped text needs
        centre.addStretch(1)
        centre.addWidget(box)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)
        corner = QHBoxLayout()
        corner.addStretch(1)
        supervisor = QPushButton("Supervisor…")
        supervisor.setAccessibleName("Open the supervisor area (PIN)")
        supervisor.clicked.connect(self.supervisor_requested)
        corner.addWidget(supervisor)
        outer.addLayout(corner)

    def reset(self) -> None:
        self.name.clear()
        self.pin.clear()
        self.hint.clear()
        self.name.setFocus()

    def submit(self) -> None:
        name = " ".join(self.name.text().split())
        if not name:
            self.hint.setText("Type your name or badge id to sign in.")
            return
        if not self.pin.text():
            self.hint.setText("Type your PIN too (new here? choose one: 4 to 8 digits).")
            self.pin.setFocus()
            return
        self.hint.clear()
        self.signed_in.emit(name, self.pin.text())

    def refuse(self, why: str) -> None:
        """The name and PIN did not match: say why and let them try again."""
        self.hint.setText(why)
        self.pin.clear()
        self.pin.setFocus()
