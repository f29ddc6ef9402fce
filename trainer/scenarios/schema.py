"""The shape of a scenario file, checked field by field with pydantic."""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationInfo, field_validator, model_validator

from ..domain import DIMENSIONS, ROLES, CallState

ENDINGS = ("resolved", "payment_plan", "escalated", "hung_up")
# Topic tags, after the content areas of HFMA's CRCR exam.
CRCR_TOPICS = (
    "patient-financial-communications",
    "pre-service-and-estimates",
    "insurance-and-benefits",
    "medicare-and-medicaid",
    "claims-and-denials",
    "billing-and-statements",
    "financial-assistance",
    "payment-options",
    "collections-and-compliance",
    "credit-balances-and-refunds",
    "privacy-and-authorization",
    "emergency-care-rules",
    "account-resolution",
    "language-and-access",
)
# HFMA's CRCR (Certified Revenue Cycle Representative) content domains.
CRCR_DOMAINS = (
    "introduction-to-the-revenue-cycle",
    "patient-access-and-pre-service",
    "service-and-claims-generation",
    "account-resolution",
)
CRCR_DOMAIN_LABELS = {
    "introduction-to-the-revenue-cycle": "Introduction to the revenue cycle",
    "patient-access-and-pre-service": "Patient access and pre-service",
    "service-and-claims-generation": "Service and claims generation",
    "account-resolution": "Account resolution",
}
# Where a conversation sits in HFMA's Patient Financial Communications Best Practices.
PFC_STAGES = ("scheduled-pre-service", "time-of-service", "emergency-department", "post-service-billing", "collections")
STATE_FIELDS = tuple(CallState.__dataclass_fields__)
ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
MAX_ID_CHARS = 80  # ids are stored with every session and shown in reports

TOPIC_LABELS = {
    "patient-financial-communications": "Patient financial communications",
    "pre-service-and-estimates": "Pre-service and estimates",
    "insurance-and-benefits": "Insurance and benefits",
    "medicare-and-medicaid": "Medicare and Medicaid",
    "claims-and-denials": "Claims and denials",
    "billing-and-statements": "Billing and statements",
    "financial-assistance": "Financial assistance",
    "payment-options": "Payment options",
    "collections-and-compliance": "Collections and compliance",
    "credit-balances-and-refunds": "Credit balances and refunds",
    "privacy-and-authorization": "Privacy and authorization",
    "emergency-care-rules": "Emergency care rules",
    "account-resolution": "Account resolution",
    "language-and-access": "Language and access",
}

Role = Literal[ROLES]  # type: ignore[valid-type]
Ending = Literal[ENDINGS]  # type: ignore[valid-type]
Dimension = Literal[DIMENSIONS]  # type: ignore[valid-type]
StateField = Literal[STATE_FIELDS]  # type: ignore[valid-type]
Topic = Literal[CRCR_TOPICS]  # type: ignore[valid-type]
CrcrDomain = Literal[CRCR_DOMAINS]  # type: ignore[valid-type]
PfcStage = Literal[PFC_STAGES]  # type: ignore[valid-type]


# Bounds that keep every drawn value printable: a date within datetime's range, a number a few dozen
# characters long, a choice short enough that filling it many times cannot blow up a text.
MAX_DAYS = 55_000  # about 150 years either way of today
MAX_MAGNITUDE = 1e9
MAX_STEPS = 10**9
MAX_CHOICE_CHARS = 200


def _text_or_number(value: object) -> str | int | float:
    """An account or fact value: text or a finite number (true/false and null are mistakes here)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expected text or a number, found {_kind_of(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return {type(None): "nothing (null)", list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


TextOrNumber = Annotated[str | int | float, PlainValidator(_text_or_number)]
Bounded = Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]


class Strict(BaseModel):
    # strict: `difficulty: true` is not 1 and `age: "40"` is not 40; no NaN or infinity anywhere
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Variable(Strict):
    """A value drawn afresh for every attempt, so a call cannot be memorised."""

    choices: list[Annotated[str, Field(max_length=MAX_CHOICE_CHARS)]] | None = None
    min: Bounded | None = None
    max: Bounded | None = None
    step: float = Field(default=1, gt=0)
    days_ago: list[int] | None = Field(default=None, min_length=2, max_length=2)
    days_ahead: list[int] | None = Field(default=None, min_length=2, max_length=2)
    format: Literal["text", "money", "int", "date"] = "text"

    @field_validator("choices")
    @classmethod
    def _plain_choices(cls, choices: list[str] | None) -> list[str] | None:
        if choices is not None and not choices:
            raise ValueError("choices is empty")
        for choice in choices or ():
            if "{" in choice or "}" in choice:
                raise ValueError(f"choice '{choice}' holds a brace: a drawn value is not filled in again")
        return choices

    @field_validator("max")
    @classmethod
    def _max_not_below_min(cls, value: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("min")
        if value is not None and low is not None and low > value:
            raise ValueError(f"max ({value:g}) is smaller than min ({low:g})")
        return value

    @field_validator("step")
    @classmethod
    def _few_enough_steps(cls, step: float, info: ValidationInfo) -> float:
        low, high = info.data.get("min"), info.data.get("max")
        if low is not None and high is not None and (high - low) / step > MAX_STEPS:
            raise ValueError(f"step is too small: more than {MAX_STEPS:,} values between min and max")
        return step

    @field_validator("days_ago", "days_ahead")
    @classmethod
    def _ordered_days(cls, pair: list[int] | None) -> list[int] | None:
        if pair is not None and not 0 <= pair[0] <= pair[1] <= MAX_DAYS:
            raise ValueError(f"day range must be [low, high] with 0 <= low <= high <= {MAX_DAYS:,} (about 150 years)")
        return pair

    @model_validator(mode="after")
    def _one_kind(self) -> "Variable":
        kinds = [
            self.choices is not None,
            self.min is not None or self.max is not None,
            self.days_ago is not None,
            self.days_ahead is not None,
        ]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of: choices, min+max, days_ago, days_ahead")
        if (self.min is None) != (self.max is None):
            raise ValueError("min and max go together")
        return self


class Voice(Strict):
    gender: Literal["female", "male", "neutral"] = "neutral"
    rate: int = Field(default=170, ge=80, le=300)  # words per minute
    pitch: int = Field(default=50, ge=0, le=99)


class HiddenConcern(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_CHARS)
    text: str = Field(min_length=1)
    revealed_by: list[str] = Field(min_length=1)  # moves that draw it out


class Persona(Strict):
    name: str = Field(min_length=1)
    age: int = Field(ge=0, le=120)
    situation: str = Field(min_length=1)
    temperament: str = Field(min_length=1)
    voice: Voice = Voice()
    hidden_concerns: list[HiddenConcern] = []


class Line(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_CHARS)
    text: str = Field(min_length=1, max_length=1200)


class Condition(Strict):
    """All listed tests must hold for an edge to be taken."""

    moves_any: list[str] = []
    moves_all: list[str] = []
    moves_none: list[str] = []
    min: dict[Dimension, int] = {}  # score at least this
    max: dict[Dimension, int] = {}  # score below this
    mood_min: int | None = None
    mood_max: int | None = None
    blocked: bool | None = None  # the reply breached a compliance rule


class Edge(Strict):
    goto: str
    when: Condition | None = None
    mood: int = Field(default=0, ge=-50, le=50)


class Node(Strict):
    say: list[Line] = Field(min_length=1)
    intent: str = ""  # what the patient wants from this line (for model-voiced personas)
    model_answer: str = ""
    sets: dict[StateField, bool] = {}
    next: list[Edge] = []
    ending: Ending | None = None


class Facts(Strict):
    """What is true on this account, for the scorer's fact checks (placeholders allowed)."""

    amounts: dict[str, TextOrNumber] = {}  # every figure a rep may quote: name -> amount
    insurer_paid: bool | None = None  # the insurer paid its share of the claim
    in_network: bool | None = None  # the care was billed at in-network cost sharing
    emergency: bool | None = None  # the care was emergency care
    insured: bool | None = None  # the patient has coverage for this care
    definitions: list[str] = []  # glossary terms the call relies on (a wrong definition is a wrong fact)
    regulations: list[str] = []  # ids from the shared table of regulatory facts in force in this call


class Mood(Strict):
    start: int = Field(default=50, ge=0, le=100)
    hang_up_below: int | None = Field(default=None, ge=0, le=100)


class Scenario(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_CHARS)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    version: int = 1
    difficulty: int = Field(ge=1, le=5)
    crcr_topics: list[Topic] = Field(min_length=1)
    crcr_domains: list[CrcrDomain] = []
    pfc_stages: list[PfcStage] = []
    role: Role
    organisation: str = Field(min_length=1)
    rules: list[str] = []
    sources: list[str] = []
    objectives: list[str] = Field(min_length=1)
    initial_state: dict[StateField, bool] = {}
    variables: dict[str, Variable] = {}  # names checked in the validator: each must be writable as {name}
    persona: Persona
    account: dict[str, TextOrNumber] = {}
    facts: Facts = Facts()
    mood: Mood = Mood()
    max_turns: int = Field(default=12, ge=1, le=60)
    start: str
    nodes: dict[str, Node] = Field(min_length=1)

    @field_validator("nodes")
    @classmethod
    def _node_ids(cls, nodes: dict[str, Node]) -> dict[str, Node]:
        bad = [k for k in nodes if not re.match(ID_PATTERN, k) or len(k) > MAX_ID_CHARS]
        if bad:
            shown = ", ".join(repr(k[:MAX_ID_CHARS]) for k in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
            raise ValueError(
                f"node ids must be lower-case letters, digits, '_', '-', '.', at most {MAX_ID_CHARS} characters: {shown}"
            )
        return nodes
