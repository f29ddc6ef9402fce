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


@pytest.fixture
def data(store):
    """The window's store thread, on the same file as `store` (which the test reads on its own thread)."""
    from trainer.store.worker import StoreThread

    thread = StoreThread(lambda: Store(store.path))
    yield thread
    thread.close()


def settle(qtbot, window, timeout=15000):
    """Wait until the call's turn (run off the GUI thread) has finished and its events have arrived."""
    qtbot.waitUntil(lambda: window.call.controller.pending == 0, timeout=timeout)
    qtbot.wait(10)
