"""What an assignment asks and whether a trainee has done it: which scenarios it covers, when a call
reaches its target, and what "done", "overdue" and "due soon" mean. No Qt; the store functions it calls
run wherever it is run (on the window's store thread).

An assignment is done by a trainee when calls they started after it was made, completed (the patient closed
them) and reaching its target cover it: every listed scenario ('scenarios'); any one scenario of the CRCR
domain ('domain'); any one scenario that fits their weakest dimension now ('weakest', per trainer.coach.fits;
before their first scored call every scenario fits). It is overdue when not done and today is past the due
date, and due soon when not done and due within DUE_SOON_DAYS. A whole-class assignment applies to every
trainee in the database, including ones added after it was made.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .coach import fits, weakest_dimension
from .progress import load_progress
from .scenarios.loader import Library
from .scenarios.schema import CRCR_DOMAIN_LABELS, CRCR_DOMAINS
from .store import assignments as stored
from .store.queries import ended_calls
from .verdict import PASS_MARK, effective_scores

DUE_SOON_DAYS = 3
MAX_OFFERED = 4  # scenarios offered to start, per assignment of a domain or the weakest dimension
KIND_WORDS = {"scenarios": "Chosen scenarios", "domain": "A CRCR domain", "weakest": "Their weakest dimension"}


class AssignmentError(ValueError):
    """Bad input for a new assignment; the message says which value and why."""


def _moment(text: str) -> dt.datetime:
    """A stored time, aware (UTC when it names no zone); an unreadable one as the earliest time."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _day(text: str) -> dt.date:
    """A stored due date; an unreadable one (the schema and the bundle checks keep them out) as long past."""
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return dt.date.min


@dataclass(frozen=True)
class Assignment:
    id: str
    created_at: dt.datetime
    author: str
    trainee_id: str | None  # None: the whole class
    trainee_name: str | None
    kind: str  # 'scenarios' | 'domain' | 'weakest'
    scenarios: tuple[str, ...]
    domain: str | None
    due: dt.date
    target: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Assignment:
        return cls(
            row["id"],
            _moment(row["created_at"]),
            row["author"],
            row["trainee_id"],
            row.get("trainee_name"),
            row["kind"],
            tuple(row["scenarios"] or ()),
            row["domain"],
            _day(row["due"]),
            int(row["target"]),
        )

    @property
    def whole_class(self) -> bool:
        return self.trainee_id is None

    def who(self) -> str:
        return "The whole class" if self.whole_class else (self.trainee_name or "a trainee no longer here")

    def what(self, library: Library) -> str:
        """What is asked, in words (scenario titles from the library; an id when the library lacks it)."""
        if self.kind == "scenarios":
            return "Scenarios: " + ", ".join(title(library, s) for s in self.scenarios)
        if self.kind == "domain":
            return f"One call in {CRCR_DOMAIN_LABELS.get(self.domain or '', self.domain)}"
        return "One call on the weakest dimension"


def title(library: Library, scenario_id: str) -> str:
    loaded = library.get(scenario_id)
    return loaded.scenario.title if loaded else scenario_id


@dataclass(frozen=True)
class Call:
    """A completed call, as trainer.store.assignments.completed_calls reads it."""

    scenario_id: str
    started_at: dt.datetime
    passed: bool
    scores: dict[str, int | None]
    blocked: bool
    overrides: dict[str, int]
    lifted: bool

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Call:
        try:
            overrides = json.loads(row["overrides"]) if row["overrides"] else {}
        except ValueError:
            overrides = {}
        overrides = {k: v for k, v in overrides.items() if type(v) is int} if isinstance(overrides, dict) else {}
        return cls(
            row["scenario_id"],
            _moment(row["started_at"]),
            bool(row["passed"]),
            {d: row[d] for d in ("empathy", "clarity", "compliance", "overall")},
            bool(row["blocked"]),
            overrides,
            bool(row["lifted"]),
        )


def meets(call: Call, target: int) -> bool:
    """Whether a completed call reaches an assignment's target.

    At the pass mark it is the app's own verdict (sessions.passed, the supervisor's overrides and lifted
    blockers included). Any other target reads the call the same way: its overall, with the supervisor's
    overrides in place, must reach the target with no blocker standing; above the pass mark the call must
    also have passed (so an override that put a dimension below it still fails the call), below it a call
    that did not pass counts (a target of 50 asks for less than a pass)."""
    if target == PASS_MARK:
        return call.passed
    effective, standing = effective_scores(call.scores, call.blocked, call.overrides, call.lifted)
    overall = effective["overall"]
    if standing or overall is None or overall < target:
        return False
    return call.passed or target < PASS_MARK


def covered(assignment: Assignment, library: Library, weakest: str | None) -> list[str]:
    """The scenario ids whose calls count towards the assignment."""
    if assignment.kind == "scenarios":
        return list(assignment.scenarios)
    if assignment.kind == "domain":
        return [s.scenario.id for s in library.scenarios if assignment.domain in s.scenario.crcr_domains]
    return [s.scenario.id for s in library.scenarios if weakest is None or fits(s.scenario, weakest)]


@dataclass(frozen=True)
class Standing:
    """One trainee's standing on one assignment."""

    done: bool
    overdue: bool
    due_soon: bool
    scenarios: tuple[str, ...]  # the scenarios that count
    reached: frozenset[str]  # those with a call that reached the target

    def to_start(self, library: Library) -> list[str]:
        """The scenarios to offer: not yet reached, gentlest first (a few, for a domain or a dimension)."""
        left = [s for s in self.scenarios if s not in self.reached and library.get(s) is not None]
        if len(left) <= MAX_OFFERED:
            return left
        return sorted(left, key=lambda s: (library.get(s).scenario.difficulty, s))[:MAX_OFFERED]  # type: ignore[union-attr]


def standing(assignment: Assignment, calls: Sequence[Call], library: Library, weakest: str | None, today: dt.date) -> Standing:
    counts = covered(assignment, library, weakest)
    reached = frozenset(
        c.scenario_id for c in calls if c.started_at >= assignment.created_at and meets(c, assignment.target)
    ) & set(counts)
    done = set(counts) <= reached if assignment.kind == "scenarios" else bool(reached)
    overdue = not done and today > assignment.due
    soon = not done and not overdue and (assignment.due - today).days <= DUE_SOON_DAYS
    return Standing(done and bool(counts), overdue, soon, tuple(counts), reached)


@dataclass(frozen=True)
class Completion:
    """An assignment across the trainees it applies to."""

    trainees: tuple[tuple[str, Standing], ...]  # (name, standing)

    @property
    def done(self) -> int:
        return sum(s.done for _, s in self.trainees)

    @property
    def overdue(self) -> int:
        return sum(s.overdue for _, s in self.trainees)

    def words(self) -> str:
        text = f"{self.done} of {len(self.trainees)} done"
        return text + (f", {self.overdue} overdue" if self.overdue else "")


# checks of a new assignment, then the store
def check_new(
    library: Library,
    *,
    kind: str,
    scenarios: Sequence[str],
    domain: str | None,
    due: str | dt.date,
    target: object,
    today: dt.date,
) -> str:
    """The due date as YYYY-MM-DD, once every value is right; AssignmentError says which is not."""
    if kind not in KIND_WORDS:
        raise AssignmentError(f"an assignment is of chosen scenarios, a CRCR domain or the weakest dimension, not {kind!r}")
    day = due if isinstance(due, dt.date) else None
    if day is None:
        try:
            day = stored.parse_due(str(due))
        except ValueError as e:
            raise AssignmentError(str(e)) from None
    if day < today:
        raise AssignmentError(
            f"the due date {day.isoformat()} is in the past (today is {today.isoformat()}); choose today or a later day"
        )
    if type(target) is not int or not 0 <= target <= 100:
        raise AssignmentError(f"the pass target must be a whole number from 0 to 100, not {target!r}")
    if kind == "scenarios":
        if not scenarios:
            raise AssignmentError("choose at least one scenario")
        unknown = [s for s in scenarios if library.get(s) is None]
        if unknown:
            known = ", ".join(sorted(s.scenario.id for s in library.scenarios)[:40])
            raise AssignmentError(f"no scenario {unknown[0]!r} in the library (known: {known})")
    if kind == "domain":
        if domain not in CRCR_DOMAINS:
            raise AssignmentError(f"{domain!r} is not a CRCR domain; choose one of {', '.join(CRCR_DOMAINS)}")
        if not any(domain in s.scenario.crcr_domains for s in library.scenarios):
            raise AssignmentError(f"no scenario in the library is in the CRCR domain {domain!r}")
    return day.isoformat()


def add(
    db: Any,
    library: Library,
    *,
    author: str,
    trainee_id: str | None,
    kind: str,
    scenarios: Sequence[str] = (),
    domain: str | None = None,
    due: str | dt.date,
    target: object = PASS_MARK,
    today: dt.date | None = None,
) -> str:
    """Check a new assignment against the library and today, then store it; returns its id."""
    day = check_new(
        library, kind=kind, scenarios=scenarios, domain=domain, due=due, target=target, today=today or dt.date.today()
    )
    try:
        return stored.add_assignment(
            db,
            author=author,
            kind=kind,
            due=day,
            target=target,  # type: ignore[arg-type]
            trainee_id=trainee_id,
            scenarios=list(scenarios) if kind == "scenarios" else (),
            domain=domain if kind == "domain" else None,
        )
    except ValueError as e:
        raise AssignmentError(str(e)) from None


# reading standings from the store
def _calls(db: Any, trainee_ids: list[str], items: list[Assignment]) -> dict[str, list[Call]]:
    if not items or not trainee_ids:
        return {t: [] for t in trainee_ids}
    # a day's margin: the exact comparison is made on parsed times (stamps may name different zones)
    since = (min(a.created_at for a in items) - dt.timedelta(days=1)).isoformat()
    passed_only = min(a.target for a in items) >= PASS_MARK  # then no call that did not pass can count
    return {
        t: [Call.from_row(r) for r in rows] for t, rows in stored.completed_calls(db, trainee_ids, since, passed_only).items()
    }


def _weakest(db: Any, library: Library, trainee_id: str) -> str | None:
    return weakest_dimension(load_progress(ended_calls(db, trainee_id), library))


def assigned_to(db: Any, library: Library, trainee_id: str, today: dt.date | None = None) -> list[tuple[Assignment, Standing]]:
    """The trainee's assignments (theirs and the whole class's), soonest due first, with their standing."""
    today = today or dt.date.today()
    items = [Assignment.from_row(r) for r in stored.assignments_for(db, trainee_id)]
    calls = _calls(db, [trainee_id], items)[trainee_id]
    weakest = _weakest(db, library, trainee_id) if any(a.kind == "weakest" for a in items) else None
    return [(a, standing(a, calls, library, weakest, today)) for a in items]


def class_completion(db: Any, library: Library, today: dt.date | None = None) -> list[tuple[Assignment, Completion]]:
    """Every assignment not withdrawn, soonest due first, with each trainee's standing on it."""
    today = today or dt.date.today()
    items = [Assignment.from_row(r) for r in stored.all_assignments(db)]
    everyone = stored.trainees(db)
    names = dict(everyone)
    wanted = sorted({t for a in items for t in ([t for t, _ in everyone] if a.whole_class else [a.trainee_id]) if t in names})
    calls = _calls(db, wanted, items)
    weakest: dict[str, str | None] = {}
    out = []
    for a in items:
        ids = [t for t, _ in everyone] if a.whole_class else [t for t in [a.trainee_id] if t in names]
        rows = []
        for t in ids:
            if a.kind == "weakest" and t not in weakest:
                weakest[t] = _weakest(db, library, t)
            rows.append((names[t], standing(a, calls.get(t, []), library, weakest.get(t), today)))
        out.append((a, Completion(tuple(rows))))
    return out
