"""Settings: data folder, voice, language model, kiosk, supervisor PIN, text size and contrast."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout)

from ..pin import PinError, check_shape, has_pin, set_pin
from ..settings import TEXT_SIZES, Settings
from .widgets import button, label, pin_field, spin_box


def _with_chooser(field: QLineEdit, choose: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(choose)
    return row


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings` holds them after OK."""

    def __init__(self, parent, settings: Settings, data_dir: Path):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        self.result_settings: Settings | None = None
        self.new_data_dir: Path | None = None
        self._original = settings
        box = QVBoxLayout(self)

        data = QGroupBox("Data")
        form = QFormLayout(data)
        self.folder = QLineEdit(str(data_dir))
        self.folder.setAccessibleName("Data folder")
        choose = button("Choose…", "Choose the data folder", self._browse)
        form.addRow("Data folder", _with_chooser(self.folder, choose))
        form.addRow(QLabel("A new folder takes effect when the app next starts."))
        box.addWidget(data)

        voice = QGroupBox("Voice")
        form = QFormLayout(voice)
        self.voice_on = QCheckBox("Speak the patient's lines")
        self.voice_on.setChecked(settings.voice_on)
        self.voice_rate = spin_box(50, 200, " %", settings.voice_rate, "Voice speed in percent")
        from ..voice.tts import PiperEngine

        natural_ok, natural_why = PiperEngine().available()
        self.voice_natural = QCheckBox("Natural voice (Piper) for male patients" if natural_ok
                                       else "Natural voice (Piper): not installed")
        self.voice_natural.setToolTip(natural_why or "Female patients keep the system voice.")
        self.voice_natural.setChecked(settings.voice_natural and natural_ok)
        self.voice_natural.setEnabled(natural_ok)
        form.addRow(self.voice_on)
        form.addRow(self.voice_natural)
        form.addRow("Speed", self.voice_rate)
        box.addWidget(voice)

        llm = QGroupBox("Language model (optional)")
        form = QFormLayout(llm)
        self.llm_on = QCheckBox("Let a language model voice the patient")
        self.llm_on.setChecked(settings.llm_enabled)
        self.llm_url = QLineEdit(settings.llm_base_url)
        self.llm_url.setPlaceholderText("e.g. http://classroom-server:11434/v1")
        self.llm_url.setAccessibleName("Language model server address")
        self.llm_model = QLineEdit(settings.llm_model)
        self.llm_model.setAccessibleName("Model name")
        self.test_button = QPushButton("Test connection")
        self.test_button.setAccessibleName("Test the connection to the language model server")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel("")
        self.test_result.setWordWrap(True)
        self.llm_judge = QCheckBox("Show the model's rubric verdict as a second opinion on each reply")
        self.llm_judge.setChecked(settings.llm_judge)
        form.addRow(self.llm_on)
        form.addRow(self.llm_judge)
        form.addRow("Server address", self.llm_url)
        form.addRow("Model", self.llm_model)
        self.gguf = QLineEdit(settings.llm_gguf_path)
        self.gguf.setPlaceholderText("optional: a .gguf file the app serves itself (needs the 'llm' extra)")
        self.gguf.setAccessibleName("Local model file in GGUF format")
        form.addRow("Local model", _with_chooser(self.gguf, button("Choose…", "Choose a local GGUF model file",
                                                                   self._pick_gguf)))
        form.addRow(self.test_button, self.test_result)
        form.addRow(QLabel("The API key is read from OPENAI_API_KEY and never saved."))
        box.addWidget(llm)

        kiosk = QGroupBox("Classroom kiosk")
        form = QFormLayout(kiosk)
        self.kiosk = QCheckBox("Kiosk mode: full screen, sign-out when idle, settings behind the PIN")
        self.kiosk.setChecked(settings.kiosk)
        self.idle = spin_box(1, 120, " min", settings.idle_minutes, "Sign out after this many idle minutes")
        self.pin = pin_field("leave empty to keep the current PIN" if has_pin(settings) else "4 to 8 digits",
                             "New supervisor PIN")
        form.addRow(self.kiosk)
        form.addRow("Idle sign-out", self.idle)
        form.addRow("Supervisor PIN", self.pin)
        box.addWidget(kiosk)

        look = QGroupBox("Display")
        form = QFormLayout(look)
        self.text_size = QComboBox()
        self.text_size.setAccessibleName("Text size")
        for size in TEXT_SIZES:
            self.text_size.addItem(f"{size} pt", size)
        self.text_size.setCurrentIndex(TEXT_SIZES.index(settings.text_size) if settings.text_size in TEXT_SIZES else 2)
        self.contrast = QCheckBox("High contrast")
        self.contrast.setChecked(settings.high_contrast)
        form.addRow("Text size", self.text_size)
        form.addRow(self.contrast)
        box.addWidget(look)

        self.message = label("", "hint")
        box.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept_if_valid)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    def test_connection(self) -> None:
        """Ask the server what it has, off the GUI thread; report reachable, models, chosen model."""
        from ..llm.endpoint import EndpointConfig, test_connection
        from .workers import run_in_background

        config = EndpointConfig.from_settings(replace(self._original, llm_base_url=self.llm_url.text().strip(),
                                                      llm_model=self.llm_model.text().strip()))
        self.test_button.setEnabled(False)
        self.test_result.setText(f"Asking {config.base_url} …")

        def shown(report) -> None:
            self.test_button.setEnabled(True)
            colour = "#1b7f4b" if report.ok else "#c53030"
            self.test_result.setText(f"<span style='color:{colour}'>{report.message}</span>")

        def failed(message: str) -> None:
            self.test_button.setEnabled(True)
            self.test_result.setText(f"<span style='color:#c53030'>{message}</span>")

        run_in_background(lambda cancel: test_connection(config), shown, failed)

    def _pick_gguf(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Local model", self.gguf.text() or str(Path.home()),
                                                "GGUF models (*.gguf)")
        if chosen:
            self.gguf.setText(chosen)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Data folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def accept_if_valid(self) -> None:
        s = replace(self._original, voice_on=self.voice_on.isChecked(), voice_rate=self.voice_rate.value(),
                    voice_natural=self.voice_natural.isChecked(),
                    llm_enabled=self.llm_on.isChecked(), llm_judge=self.llm_judge.isChecked(),
                    llm_base_url=self.llm_url.text().strip(), llm_gguf_path=self.gguf.text().strip(),
                    llm_model=self.llm_model.text().strip(), kiosk=self.kiosk.isChecked(),
                    idle_minutes=self.idle.value(), text_size=self.text_size.currentData(),
                    high_contrast=self.contrast.isChecked())
        if s.llm_gguf_path and not (s.llm_gguf_path.endswith(".gguf") and Path(s.llm_gguf_path).is_file()):
            self.message.setText(f"The local model must be an existing .gguf file: {s.llm_gguf_path}")
            return
        if (s.llm_enabled or s.llm_judge) and not s.llm_gguf_path \
                and not s.llm_base_url.startswith(("http://", "https://")):
            self.message.setText("The server address must start with http:// or https://.")
            return
        if self.pin.text():
            try:
                check_shape(self.pin.text())
            except PinError as e:
                self.message.setText(str(e))
                return
            set_pin(s, self.pin.text())
        elif s.kiosk and not has_pin(s):
            self.message.setText("Set a supervisor PIN before turning kiosk mode on.")
            return
        folder = Path(self.folder.text().strip()).expanduser()
        if not self.folder.text().strip():
            self.message.setText("Choose a data folder.")
            return
        self.new_data_dir = folder
        self.result_settings = s
        self.accept()
