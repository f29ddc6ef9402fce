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


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data folder: --data-dir, else $BILLING_TRAINER_DATA_DIR, else the user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(override: str | os.PathLike | None = None) -> Path:
    return data_dir(override) / DB_FILENAME
