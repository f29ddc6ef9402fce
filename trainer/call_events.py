"""What a call reports as it goes: plain objects, no Qt, so the terminal and the window hear the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

from .domain import PatientLine, Turn


@dataclass(frozen=True)
class ReplyScored:
    """The trainee's reply was scored and stored (before the patient says anything more)."""

    turn: Turn
    asked: PatientLine  # the line the reply answered (its model answer is the better reply)
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Token:
    """A piece of the patient's next line as a model streams it (shown live, never scored)."""

    text: str


@dataclass(frozen=True)
class PatientSpoke:
    """The patient said a line: it is now the line to answer."""

    line: PatientLine
    first: bool = False


@dataclass(frozen=True)
class CallEnded:
    status: str  # "completed" or "abandoned"
    ending: str | None


CallEvent = Union[ReplyScored, Token, PatientSpoke, CallEnded]
Listener = Callable[[CallEvent], None]
