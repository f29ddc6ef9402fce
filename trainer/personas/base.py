"""What the session needs from a patient persona, whoever voices it."""

from __future__ import annotations

from typing import Callable, Protocol

from ..domain import PatientLine, Score


class Persona(Protocol):
    mode: str  # "scripted" or "llm", stored with the session
    on_token: Callable[[str], None] | None  # where a streaming voice sends its words (None: nowhere)

    def open(self) -> PatientLine:
        """The patient's first line."""

    def respond(self, reply: str, score: Score) -> PatientLine:
        """The patient's next line, given the trainee's reply and its score."""

    def gist_of(self, line: PatientLine) -> str:
        """The scripted text a line stands for: what the call scores and branches on."""

    def snapshot(self) -> object:
        """Everything respond() changes, so a turn can be retried."""

    def restore(self, snapshot: object) -> None: ...

    @property
    def mood(self) -> int: ...

    @property
    def revealed_concerns(self) -> list[str]: ...
