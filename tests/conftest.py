import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.config import BUILTIN_SCENARIOS_DIR  # noqa: E402
from trainer.scenarios.loader import load_library  # noqa: E402
from trainer.store.store import Store  # noqa: E402


@pytest.fixture(scope="session")
def library():
    lib = load_library(BUILTIN_SCENARIOS_DIR)
    assert not lib.problems, lib.problems
    return lib


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "trainer.db")
    yield s
    s.close()
