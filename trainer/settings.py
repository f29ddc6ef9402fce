"""User settings, kept as JSON beside the database so a data folder carries its own setup."""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

SETTINGS_FILE = "settings.json"
TEXT_SIZES = (9, 10, 11, 12, 14, 16, 18)


@dataclass
class Settings:
    # kiosk
    kiosk: bool = False
    idle_minutes: int = 5  # sign out after this long without input
    idle_warning_seconds: int = 30  # countdown before the sign-out
    # voice
    voice_on: bool = True
    voice_rate: int = 100  # percent of the persona's own speed
    voice_natural: bool = False  # Piper's natural voice (the "voice" extra) for male personas
    # language model (the key is never stored here; it comes from OPENAI_API_KEY)
    llm_enabled: bool = False
    llm_base_url: str = ""
    llm_model: str = ""
    llm_judge: bool = False  # a model's rubric verdict shown beside the offline score
    llm_gguf_path: str = ""  # a GGUF file the app serves itself with llama.cpp (the "llm" extra)
    llm_deadline: float = 8.0  # seconds for a whole model line; then the scripted line stands in
    llm_first_word: float = 2.5  # seconds to the first word; none by then: the scripted line at once
    llm_style: str = "auto"  # auto | paraphrase | choose | lead_in (the last two: a few words before the script)
    llm_judge_accuracy: float = -1.0  # the judge's last calibration result (-1: never run)
    llm_judge_calibrated_for: str = ""  # "base_url model" it was measured on; another model needs a new run
    # look
    text_size: int = 11
    high_contrast: bool = False
    # (the supervisor PIN is not here: it lives in the database, trainer.store.pins)
    # window
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    extra: dict[str, Any] = field(default_factory=dict)  # unknown keys from a newer version, kept as they were


def load_settings(folder: Path) -> tuple[Settings, str | None]:
    """The settings in a data folder, and a warning if the file had to be ignored."""
    path = Path(folder) / SETTINGS_FILE
    if not path.exists():
        return Settings(), None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as e:
        return Settings(), f"{path} could not be read ({e}); default settings are in use until you save."
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        f = known.get(key)
        if f is None or key == "extra":
            extra[key] = value
        elif isinstance(value, type(getattr(Settings(), key))) or (f.type == "float" and isinstance(value, int)):
            values[key] = value
    return Settings(**values, extra=extra), None


OLD_PIN_KEYS = ("pin_hash", "pin_salt", "pin_failures", "pin_locked_until")  # kept here by older versions


def save_settings(folder: Path, settings: Settings) -> None:
    """Write atomically, so a crash never leaves half a settings file. A file that could not be read is
    never overwritten: it is kept beside, renamed, for someone to look at."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _keep_if_damaged(folder / SETTINGS_FILE)
    data = asdict(settings)
    data.update(data.pop("extra"))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
    os.replace(tmp, folder / SETTINGS_FILE)


def _keep_if_damaged(path: Path) -> None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict):
            return
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        pass
    stamp = time.strftime("%Y%m%d-%H%M%S")
    os.replace(path, path.with_name(f"{path.name}.damaged-{stamp}"))
