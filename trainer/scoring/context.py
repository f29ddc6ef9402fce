"""What the scorer knows besides the reply: the patient's line, the caller's role, the call so far."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import CallState


@dataclass(frozen=True)
class ScoreContext:
    patient_line: str = ""
    role: str = "hospital_billing"
    rules: frozenset[str] = field(default_factory=frozenset)  # compliance rules the scenario switches on
    state: CallState = CallState()

    @property
    def collector(self) -> bool:
        return self.role == "collection_agency"
