"""Plain data shared by every layer: call state, scores, turns.

Nothing here does work; the session, personas, scorer and store pass these
between them so that none of them needs to know another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, cast

DIMENSIONS = ("empathy", "clarity", "compliance")

# Who is calling the patient (or taking the call). Compliance rules depend on it.
ROLES = ("hospital_billing", "physician_office", "patient_access", "collection_agency")

_SURROGATE = re.compile("[\ud800-\udfff]")  # half of a character: not storable as UTF-8

# Longest reply the app keeps and scores; a spoken reply is rarely past 1,500.
MAX_REPLY_CHARS = 4000


def cap_reply(reply: str) -> tuple[str, str | None]:
    """The part of a reply the app keeps and scores, and a notice when it had to cut it. Text that is not
    valid Unicode (a lone surrogate from a paste or a bad terminal) is kept with U+FFFD in its place."""
    reply = _SURROGATE.sub("\ufffd", reply)
    if len(reply) <= MAX_REPLY_CHARS:
        return reply, None
    return reply[:MAX_REPLY_CHARS], (
        f"Your reply was {len(reply):,} characters; only the first {MAX_REPLY_CHARS:,} were kept and scored."
    )


@dataclass(frozen=True)
class CallState:
    """What has happened in the call before the reply being scored."""

    identity_verified: bool = False
    caller_is_patient: bool = True
    third_party_authorized: bool = False
    hardship_voiced: bool = False
    dispute_raised: bool = False
    emergency_unscreened: bool = False
    self_pay: bool = False
    mini_miranda_given: bool = False
    assistance_offered: bool = False
    interpreter_offered: bool = False
    first_turn: bool = True

    def updated(self, **changes: bool) -> "CallState":
        return replace(self, **changes)

    def as_dict(self) -> dict[str, bool]:
        return asdict(self)


@dataclass(frozen=True)
class Evidence:
    """A span of the reply that earned (points > 0) or cost (points < 0) points."""

    start: int
    end: int
    dimension: str
    points: int
    reason: str


@dataclass(frozen=True)
class Blocker:
    """A compliance breach: it fails the call whatever the other scores."""

    rule_id: str
    title: str
    source: str
    start: int = 0
    end: int = 0


@dataclass
class DimensionScore:
    name: str
    score: int  # 0-100
    applicable: bool = True  # False: the patient's line gave no opening for it
    subscores: dict[str, int] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    suggestion: str = ""
    reasons: list[str] = field(default_factory=list)


@dataclass
class Score:
    empathy: DimensionScore
    clarity: DimensionScore
    compliance: DimensionScore
    rubric_version: str
    blockers: list[Blocker] = field(default_factory=list)
    moves: frozenset[str] = frozenset()
    notices: list[str] = field(default_factory=list)
    empty: bool = False

    def dimension(self, name: str) -> DimensionScore:
        # the names in DIMENSIONS are the DimensionScore fields
        return cast(DimensionScore, getattr(self, name))

    def dimensions(self) -> list[DimensionScore]:
        return [self.dimension(n) for n in DIMENSIONS]

    @property
    def overall(self) -> int:
        """Mean of the applicable dimensions; a blocker caps it at zero."""
        if self.blockers or self.empty:
            return 0
        vals = [d.score for d in self.dimensions() if d.applicable]
        return round(sum(vals) / len(vals)) if vals else 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["moves"] = sorted(self.moves)
        d["overall"] = self.overall
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Score":
        """A stored score read back (to_dict's inverse). Raises ValueError when it is not one: the
        detail may come from a damaged file or another kiosk's bundle."""
        try:
            dims = {n: _dimension(d[n]) for n in DIMENSIONS}
            blockers = [
                Blocker(str(b["rule_id"]), str(b["title"]), str(b["source"]), int(b.get("start", 0)), int(b.get("end", 0)))
                for b in d.get("blockers") or []
            ]
            return cls(
                dims["empathy"],
                dims["clarity"],
                dims["compliance"],
                str(d.get("rubric_version", "")),
                blockers,
                frozenset(str(m) for m in d.get("moves") or []),
                [str(n) for n in d.get("notices") or []],
                bool(d.get("empty", False)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ValueError(f"not a stored score ({type(e).__name__}: {e})") from e


def _dimension(d: Mapping[str, Any]) -> DimensionScore:
    return DimensionScore(
        str(d["name"]),
        int(d["score"]),
        bool(d.get("applicable", True)),
        {str(k): int(v) for k, v in (d.get("subscores") or {}).items()},
        [
            Evidence(int(e["start"]), int(e["end"]), str(e["dimension"]), int(e["points"]), str(e["reason"]))
            for e in d.get("evidence") or []
        ],
        str(d.get("suggestion", "")),
        [str(r) for r in d.get("reasons") or []],
    )


@dataclass(frozen=True)
class PatientLine:
    node_id: str
    line_id: str
    text: str
    mood: int
    ending: str | None = None  # set on the patient's closing line
    model_answer: str = ""
    fallback: bool = False  # a scripted line stood in for a failed model reply
    sets: dict[str, bool] = field(default_factory=dict)  # call state this line establishes


@dataclass
class Turn:
    index: int
    patient: PatientLine
    reply: str
    score: Score
    attempt: int = 1
    id: str = ""
    hints: int = 0  # hints taken before this reply; each costs points on the call's overall


# What a reply can be seen to do. The scorer detects these; scenario edges
# branch on them. "explained:<glossary term>" is also a move (e.g.
# "explained:deductible"), one for each term the reply explains in plain words.
MOVES: dict[str, str] = {
    "introduced": "gave their name and department",
    "verified_identity": "asked for identifiers (full name, date of birth) before details",
    "disclosed_account": "stated account details (amounts, services, dates)",
    "acknowledged_feeling": "named or validated the patient's feeling",
    "apologized": "apologised or took ownership",
    "explored": "asked an open question about the patient's situation",
    "explained_term": "explained a billing term in plain words",
    "gave_amount": "gave a concrete amount",
    "gave_date": "gave a concrete date or time frame",
    "next_step": "said what happens next",
    "teach_back": "checked the patient's understanding",
    "thanked": "thanked the patient",
    "offered_payment_plan": "offered a payment plan",
    "offered_financial_assistance": "offered financial assistance or charity care screening",
    "offered_itemized_bill": "offered an itemized bill",
    "offered_estimate": "offered a written or good-faith estimate",
    "offered_interpreter": "offered a free interpreter",
    "offered_supervisor": "offered a supervisor or escalation",
    "offered_appeal": "offered to help appeal or resubmit a claim",
    "gave_mini_miranda": "gave the debt-collector disclosure",
    "honoured_dispute": "accepted the dispute and paused collection to verify",
    "asked_payment": "asked for payment now",
    "threatened": "threatened consequences",
    "blamed": "blamed the patient",
    "dismissed": "dismissed or minimised the concern",
}
