"""Settings: data folder, voice, language model, kiosk, supervisor PIN, text size and contrast."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QScrollArea,
    QWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ..settings import TEXT_SIZES, Settings
from .pin_dialog import ChangePinDialog, pin_state
from . import theme
from .widgets import button, escape, label, spin_box, vertical_scroll


def _with_chooser(field: QLineEdit, choose: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(choose)
    return row


def _seconds(low: float, high: float, value: float, accessible: str) -> QDoubleSpinBox:
    w = QDoubleSpinBox()
    w.setRange(low, high)
    w.setDecimals(1)
    w.setSingleStep(0.5)
    w.setSuffix(" s")
    w.setValue(value)
    w.setAccessibleName(accessible)
    return w


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings` holds them after OK."""

    def __init__(self, parent, settings: Settings, data_dir: Path, data=None):
        """data: the store's thread, where the supervisor PIN is kept (None: no PIN controls)."""
        super().__init__(parent)
        self.data = data
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        self.result_settings: Settings | None = None
        self.new_data_dir: Path | None = None
        self._original = settings
        outer = QVBoxLayout(self)
        # the groups scroll, Save and Cancel stay in view: at 16 pt they are taller than an 800-pixel screen
        content = QWidget()
        box = QVBoxLayout(content)
        box.setContentsMargins(0, 0, 0, 0)
        scroll = vertical_scroll(content)
        outer.addWidget(scroll, 1)

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
        self.voice_natural = QCheckBox(
            "Natural voice (Piper) for male patients" if natural_ok else "Natural voice (Piper): not installed"
        )
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
        self._judge_accuracy = settings.llm_judge_accuracy
        self._judge_for = settings.llm_judge_calibrated_for
        self._calibration_cancel: threading.Event | None = None
        self.calibrate_button = QPushButton("Calibrate the judge")
        self.calibrate_button.setAccessibleName("Check the model as a judge on the built-in reply pairs")
        self.calibrate_button.clicked.connect(self.calibrate_judge)
        self.calibration_result = QLabel("")
        self.calibration_result.setWordWrap(True)
        self.deadline = _seconds(2.0, 30.0, settings.llm_deadline, "Longest wait for a model line, in seconds")
        self.first_word = _seconds(0.5, 10.0, settings.llm_first_word, "Longest wait for the model's first word, in seconds")
        self.llm_style = QComboBox()
        self.llm_style.setAccessibleName("How much of each line the model may word")
        for key, text in (
            ("auto", "Automatic (by model size)"),
            ("paraphrase", "Its own words, every fact kept"),
            ("choose", "Picks a reaction, then the script (small models)"),
            ("lead_in", "Says a few words, then the script"),
        ):
            self.llm_style.addItem(text, key)
        self.llm_style.setCurrentIndex(max(0, self.llm_style.findData(settings.llm_style)))
        form.addRow(self.llm_on)
        form.addRow("Server address", self.llm_url)
        form.addRow("Model", self.llm_model)
        form.addRow("Wording", self.llm_style)
        form.addRow("Line deadline", self.deadline)
        form.addRow("First word within", self.first_word)
        form.addRow(self.llm_judge)
        form.addRow(self.calibrate_button, self.calibration_result)
        self.llm_url.textChanged.connect(self._judge_availability)
        self.llm_model.textChanged.connect(self._judge_availability)
        self.llm_judge.setChecked(settings.llm_judge)
        self._judge_availability()
        self.gguf = QLineEdit(settings.llm_gguf_path)
        self.gguf.setPlaceholderText("optional: a .gguf file the app serves itself (needs the 'llm' extra)")
        self.gguf.setAccessibleName("Local model file in GGUF format")
        form.addRow("Local model", _with_chooser(self.gguf, button("Choose…", "Choose a local GGUF model file", self._pick_gguf)))
        form.addRow(self.test_button, self.test_result)
        form.addRow(QLabel("The API key is read from OPENAI_API_KEY and never saved."))
        box.addWidget(llm)

        kiosk = QGroupBox("Classroom kiosk")
        form = QFormLayout(kiosk)
        self.kiosk = QCheckBox("Kiosk mode: full screen, sign-out when idle, settings behind the PIN")
        self.kiosk.setChecked(settings.kiosk)
        self.idle = spin_box(1, 120, " min", settings.idle_minutes, "Sign out after this many idle minutes")
        self.pin_button = QPushButton("Set or change the supervisor PIN…")
        self.pin_button.setAccessibleName("Set, change or remove the supervisor PIN (the current PIN is needed)")
        self.pin_button.clicked.connect(lambda: ChangePinDialog(self, self.data).exec())
        self.pin_button.setEnabled(data is not None)
        form.addRow(self.kiosk)
        form.addRow("Idle sign-out", self.idle)
        form.addRow("Supervisor PIN", self.pin_button)
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
        outer.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept_if_valid)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self._fit(content, scroll)

    def _fit(self, content: QWidget, scroll: QScrollArea) -> None:
        """As wide as the groups need, as tall as they need up to nine tenths of the screen."""
        want = content.sizeHint()
        scroll.setMinimumWidth(want.width() + scroll.verticalScrollBar().sizeHint().width())
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        tallest = int(screen.height() * 0.9) if screen is not None else 700
        around = self.sizeHint().height() - scroll.sizeHint().height()  # the message, the buttons, the margins
        self.resize(self.sizeHint().width(), min(tallest, want.height() + around))

    def test_connection(self) -> None:
        """Ask the server what it has, off the GUI thread; report reachable, models, chosen model."""
        from ..llm.endpoint import EndpointConfig, test_connection
        from .workers import run_in_background

        config = EndpointConfig.from_settings(
            replace(self._original, llm_base_url=self.llm_url.text().strip(), llm_model=self.llm_model.text().strip())
        )
        self.test_button.setEnabled(False)
        self.test_result.setText(f"Asking {config.base_url} …")

        def shown(report) -> None:
            self.test_button.setEnabled(True)
            colour = theme.GOOD if report.ok else theme.BAD
            self.test_result.setText(f"<span style='color:{colour}'>{escape(report.message)}</span>")

        def failed(message: str) -> None:
            self.test_button.setEnabled(True)
            self.test_result.setText(f"<span style='color:{theme.BAD}'>{escape(message)}</span>")

        run_in_background(lambda cancel: test_connection(config), shown, failed)

    def _judge_key(self) -> tuple[str, str]:
        from ..llm.endpoint import normalise_base_url

        return normalise_base_url(self.llm_url.text()), self.llm_model.text().strip()

    def _judge_availability(self) -> None:
        """The judge can be switched on only after this server and model passed the calibration."""
        from ..llm.calibration import PASS_MARK, calibrated_for

        ok = self._judge_accuracy >= PASS_MARK and self._judge_for == calibrated_for(*self._judge_key())
        self.llm_judge.setEnabled(ok)
        if not ok:
            self.llm_judge.setChecked(False)
        if self._judge_accuracy < 0 or self._judge_for != calibrated_for(*self._judge_key()):
            self.calibration_result.setText(
                f"Not calibrated for this model: the judge is offered once it "
                f"orders {PASS_MARK:.0%} of the built-in reply pairs right."
            )
        else:
            self.calibration_result.setText(f"Last calibration: {self._judge_accuracy:.0%} of pairs ordered right.")

    def calibrate_judge(self) -> None:
        """Grade the built-in reply pairs with the configured model, off the GUI thread; show the accuracy."""
        from ..llm.calibration import calibrate, calibrated_for, model_grader
        from ..llm.client import LLMClient
        from ..llm.endpoint import EndpointConfig
        from .workers import run_in_background

        url, model = self._judge_key()
        if not self.llm_url.text().strip():
            self.calibration_result.setText(
                "Give the server address first (a local model file: start a call once, then calibrate against its address)."
            )
            return
        config = EndpointConfig.from_settings(replace(self._original, llm_base_url=url, llm_model=model), timeout=60.0)
        self.calibrate_button.setEnabled(False)
        self.calibration_result.setText("Calibrating: two verdicts for each of the built-in reply pairs…")

        def job(cancel):
            client = LLMClient(config)
            try:
                return calibrate(model_grader(client), cancelled=cancel.is_set)
            finally:
                client.close()

        def shown(result) -> None:
            self.calibrate_button.setEnabled(True)
            self._judge_accuracy, self._judge_for = result.accuracy, calibrated_for(url, model)
            self._judge_availability()
            colour = theme.GOOD if result.passed else theme.BAD
            self.calibration_result.setText(f"<span style='color:{colour}'>{escape(result.summary())}</span>")

        def failed(message: str) -> None:
            self.calibrate_button.setEnabled(True)
            self.calibration_result.setText(f"<span style='color:{theme.BAD}'>{escape(message)}</span>")

        self._calibration_cancel = run_in_background(job, shown, failed)

    def done(self, result: int) -> None:  # a running calibration stops with the dialog
        if self._calibration_cancel is not None:
            self._calibration_cancel.set()
        super().done(result)

    def _pick_gguf(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Local model", self.gguf.text() or str(Path.home()), "GGUF models (*.gguf)")
        if chosen:
            self.gguf.setText(chosen)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Data folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def accept_if_valid(self) -> None:
        s = replace(
            self._original,
            voice_on=self.voice_on.isChecked(),
            voice_rate=self.voice_rate.value(),
            voice_natural=self.voice_natural.isChecked(),
            llm_enabled=self.llm_on.isChecked(),
            llm_judge=self.llm_judge.isChecked(),
            llm_base_url=self.llm_url.text().strip(),
            llm_gguf_path=self.gguf.text().strip(),
            llm_model=self.llm_model.text().strip(),
            llm_deadline=self.deadline.value(),
            llm_first_word=min(self.first_word.value(), self.deadline.value()),
            llm_style=self.llm_style.currentData(),
            llm_judge_accuracy=self._judge_accuracy,
            llm_judge_calibrated_for=self._judge_for,
            kiosk=self.kiosk.isChecked(),
            idle_minutes=self.idle.value(),
            text_size=self.text_size.currentData(),
            high_contrast=self.contrast.isChecked(),
        )
        if s.llm_gguf_path and not (s.llm_gguf_path.endswith(".gguf") and Path(s.llm_gguf_path).is_file()):
            self.message.setText(f"The local model must be an existing .gguf file: {s.llm_gguf_path}")
            return
        if (s.llm_enabled or s.llm_judge) and not s.llm_gguf_path and not s.llm_base_url.startswith(("http://", "https://")):
            self.message.setText("The server address must start with http:// or https://.")
            return
        if s.kiosk and (self.data is None or pin_state(self.data) == "none"):
            self.message.setText("Set a supervisor PIN before turning kiosk mode on.")
            return
        folder = Path(self.folder.text().strip()).expanduser()
        if not self.folder.text().strip():
            self.message.setText("Choose a data folder.")
            return
        self.new_data_dir = folder
        self.result_settings = s
        self.accept()
