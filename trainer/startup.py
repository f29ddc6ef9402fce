"""What the terminal and the window both do to start: open the store (and say if the last run ended
badly), load the scenario library, and build the optional model-voiced patient and judge. No Qt here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .scenarios.loader import Library, builtin_library
from .store.db import move_aside  # noqa: F401  (the window offers it for a damaged file)
from .store.migrate import UpgradeNotice
from .store.store import Store

if TYPE_CHECKING:
    from .domain import Score
    from .llm.endpoint import EndpointConfig
    from .llm.judge import JudgeOpinion
    from .session import PersonaFactory


def upgrade_notice_on_stderr(path: Path) -> UpgradeNotice:
    """An UpgradeNotice that says on stderr what is happening."""

    def notice(old: int, new: int) -> None:
        print(
            f"note: upgrading {path} from schema {old} to {new}; a backup is written beside it first. "
            "A class-sized database takes a few minutes.",
            file=sys.stderr,
            flush=True,
        )

    return notice


def open_store(path: Path, on_upgrade: UpgradeNotice | None = None, *, begin_run: bool = True) -> tuple[Store, str | None]:
    """Open (and if need be upgrade) the database; with begin_run, record this run and return what to tell
    the user when the last one ended badly. Raises StoreError with a message that names the file."""
    store = Store(path, on_upgrade)
    if not begin_run:
        return store, None
    try:
        unclean = store.begin_run()
    except Exception:
        store.close()
        raise
    note = (
        f"the last run ended badly; {store.interrupted_at_start} unfinished call(s) were kept as interrupted."
        if unclean
        else None
    )
    return store, note


def library(extra_paths: list[str] | None = None) -> Library:
    return builtin_library(*(extra_paths or []))


def model_persona_factory(config: EndpointConfig, on_token: Callable[[str], None] | None = None) -> PersonaFactory:
    """A factory of model-voiced patients served at config (an EndpointConfig)."""
    from .llm.client import LLMClient
    from .personas.llm import LLMPersona

    client = LLMClient(config)
    return lambda scenario, values, rng: LLMPersona(scenario, values, rng, client, on_token=on_token)


def model_judge(config: EndpointConfig) -> Callable[[str, str, Score, str], JudgeOpinion]:
    """The optional second opinion: (patient line, reply, score, role) -> JudgeOpinion; never the score."""
    from .llm.client import LLMClient
    from .llm.judge import judge_reply

    client = LLMClient(config)
    return lambda patient_line, reply, score, role: judge_reply(client, patient_line, reply, score, role)
