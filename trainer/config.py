"""Where the app keeps its data, and the few settings the core needs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "billing-trainer"
DATA_DIR_ENV = "BILLING_TRAINER_DATA_DIR"
DB_FILENAME = "trainer.db"

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
ASSETS_DIR = PROJECT_DIR / "assets"
BUILTIN_SCENARIOS_DIR = PROJECT_DIR / "scenarios"


# The data folder chosen in Settings, remembered outside any data folder.
POINTER_FILE = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "data-folder.txt"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: --data-dir, else $BILLING_TRAINER_DATA_DIR, else the one chosen in
    Settings, else the user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    try:
        chosen = POINTER_FILE.read_text(encoding="utf-8").strip()
    except OSError:
        chosen = ""
    return Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def remember_data_dir(folder: Path) -> None:
    POINTER_FILE.parent.mkdir(parents=True, exist_ok=True)
    POINTER_FILE.write_text(str(folder), encoding="utf-8")


def database_path(override: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(override) / DB_FILENAME
