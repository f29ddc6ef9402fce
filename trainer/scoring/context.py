"""What the scorer knows besides the reply: the patient's line, the caller's role, the call so far."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import CallState


@dataclass(frozen=True)
class FactSheet:
    """What is true on this account: a scenario's facts with this attempt's drawn values filled in."""

    amounts: frozenset[float] = frozenset()
    insurer_paid: bool | None = None
    in_network: bool | None = None
    emergency: bool | None = None
    insured: bool | None = None


@dataclass(frozen=True)
class ScoreContext:
    patient_line: str = ""
    role: str = "hospital_billing"
    rules: frozenset[str] = field(default_factory=frozenset)  # compliance rules the scenario switches on
    state: CallState = CallState()
    facts: FactSheet | None = None  # None: no account to check amounts against (a corpus line, the score command)

    @property
    def collector(self) -> bool:
        return self.role == "collection_agency"
