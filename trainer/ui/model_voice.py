"""The optional model voice and judge for the window: which server (one set in Settings, or a GGUF file the
window serves itself on 127.0.0.1), the persona factory and the judge for each call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..settings import Settings
from ..startup import model_judge, model_persona_factory
from .widgets import busy_dialog, plain_message

if TYPE_CHECKING:
    from ..llm.endpoint import EndpointConfig
    from ..llm.server import LocalServer


class ModelVoice(QObject):
    ready = Signal(object)  # from the server's own thread: None when it is ready, else the error

    def __init__(self, window: QWidget, settings: Callable[[], Settings], data_dir: Path, on_ready: Callable[[str], None]):
        super().__init__(window)
        self.window, self.settings, self.data_dir, self.on_ready = window, settings, data_dir, on_ready
        self.local_server: LocalServer | None = None  # the llama.cpp server started for a chosen GGUF file
        self._pending_call: str | None = None
        self._progress: QProgressDialog | None = None
        self.ready.connect(self._on_ready)

    def needs_local_server(self) -> bool:
        s = self.settings()
        wanted = (s.llm_enabled or s.llm_judge) and s.llm_gguf_path
        running = self.local_server is not None and self.local_server.model_path == Path(s.llm_gguf_path)
        return bool(wanted) and not running

    def endpoint(self) -> EndpointConfig:
        from ..llm.endpoint import EndpointConfig, timing_from_settings

        s = self.settings()
        if self.local_server is not None and s.llm_gguf_path:
            return self.local_server.endpoint(**timing_from_settings(s))  # the deadline and style too
        return EndpointConfig.from_settings(s)

    def start_local_server(self, scenario_id: str) -> None:
        """Serve the chosen GGUF file on 127.0.0.1, showing progress; then start the call."""
        from ..llm.server import LocalServer

        self.stop()
        self._pending_call = scenario_id
        s = self.settings()
        server = LocalServer(s.llm_gguf_path, log_path=self.data_dir / "llm-server.log", style=s.llm_style)
        self.local_server = server
        self._progress = busy_dialog("Starting the local language model…", self.window)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.show()
        server.start_in_background(done=self.ready.emit)

    def _on_ready(self, error: object) -> None:
        if self._progress is not None:
            self._progress.close()
        if error is not None:
            self.stop()
            self.local_server = None
            plain_message(
                self.window, "Local model", f"The local model could not start ({error}). This call uses the scripted patient."
            )
            s = self.settings()
            s.llm_enabled = s.llm_judge = False
        scenario_id, self._pending_call = self._pending_call, None
        if scenario_id:
            self.on_ready(scenario_id)

    def persona_choice(self) -> dict[str, Any]:
        """A model-voiced patient when Settings turn it on; the scripted one otherwise."""
        if not self.settings().llm_enabled:
            return {}
        return {"persona_factory": model_persona_factory(self.endpoint())}  # its words reach the page as events

    def judge(self) -> Callable[..., Any] | None:
        """The optional second opinion: a model's rubric verdict, shown, never stored as the score."""
        s = self.settings()
        if not s.llm_judge:
            return None
        from ..llm.calibration import judge_offered  # the model client loads only when a judge is wanted

        config = self.endpoint()
        if not judge_offered(s, config.base_url, config.model or ""):
            return None  # only a model that passed the built-in calibration gives a second opinion
        return model_judge(config)

    def stop(self) -> None:
        if self.local_server is not None:
            self.local_server.stop()
