"""review-call: score every staff turn of a real call transcript, redacted before anything is shown or stored.

cli.py registers it with add_review_command(subparsers); it can also be run on its own:
python -m trainer.cli_review [--data-dir PATH] FILE [--staff LABEL] [--role ROLE] [--redact-name NAME …] [--store]
Exit codes: 0 done, 1 the transcript was refused (the message names the file, what was wrong and the line), 2 the database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from .domain import ROLES

if TYPE_CHECKING:
    from .review.score import Review
# The review and the scorer are imported when the command runs, so registering it costs the CLI nothing.

MAX_LISTED = 60  # redactions listed one by one; the rest are counted
PROGRESS_FROM, PROGRESS_EVERY = 300, 100  # staff turns


DESCRIPTION = (
    "Read a call transcript (plain text 'Speaker: words' lines, WebVTT, SRT, or a CSV with speaker,text "
    "columns), redact names, dates, card, account, record and phone numbers, and score each staff turn "
    "against the patient's turn before it. Nothing leaves this computer."
)


def add_review_command(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register review-call on cli.py's subparsers."""
    rv = sub.add_parser(
        "review-call", help="score every staff turn of a real call transcript (redacted first)", description=DESCRIPTION
    )
    _arguments(rv)
    rv.set_defaults(data_handler=cmd_review_call)


def _arguments(rv: argparse.ArgumentParser) -> None:
    rv.add_argument("file", help="the transcript (at most 2 MB)")
    rv.add_argument(
        "--staff",
        metavar="LABEL",
        help="the staff speaker's label (default: guessed from labels such as Agent, Rep, Billing, or from what they say)",
    )
    rv.add_argument(
        "--role",
        choices=ROLES,
        default="hospital_billing",
        help="who the staff member works for; sets the compliance rules (default: hospital_billing)",
    )
    rv.add_argument(
        "--redact-name",
        dest="redact_names",
        metavar="NAME",
        nargs="+",
        action="extend",
        default=[],
        help="names to redact besides those found ('my name is …', 'this is …'); give them after FILE",
    )
    rv.add_argument("--store", action="store_true", help="keep the redacted review in the trainer's database")
    rv.add_argument("--reviewer", default=os.environ.get("USER", ""), help="who reviewed it, stored with --store")
    rv.add_argument("--json", action="store_true", help="print the redacted review as JSON")


def cmd_review_call(args: argparse.Namespace) -> int:
    from .review.decode import TranscriptError
    from .review.parse import read_transcript
    from .review.score import review_transcript

    def progress(done: int, total: int) -> None:  # a long transcript takes a while: say how far it has got
        if total >= PROGRESS_FROM and (done % PROGRESS_EVERY == 0 or done == total):
            print(f"scored {done:,} of {total:,} staff turns", file=sys.stderr, flush=True)

    try:
        review = review_transcript(read_transcript(args.file), args.staff, args.role, args.redact_names, progress=progress)
    except TranscriptError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(review.to_dict(), indent=2, ensure_ascii=False) if args.json else format_review(review))
    if args.store:
        return _store(review, args)
    return 0


def _store(review: "Review", args: argparse.Namespace) -> int:
    from .config import database_path
    from .store.errors import StoreError
    from .store.reviews import save_review
    from .store.store import Store

    path = database_path(getattr(args, "data_dir", None))

    def upgrading(old: int, new: int) -> None:
        print(
            f"note: upgrading {path} from schema {old} to {new}; a backup is written beside it first.",
            file=sys.stderr,
            flush=True,
        )

    try:
        store = Store(path, upgrading)
    except StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        review_id = save_review(store, review, args.reviewer)
    finally:
        store.close()
    print(f"\nStored (redacted) as review {review_id} in {path}", file=sys.stderr)
    return 0


def format_review(review: "Review") -> str:
    from .console import format_score

    staff_turns = review.staff_turns
    out = [
        f"Review of {review.source}  ({review.format}, {len(review.turns)} turns, {len(staff_turns)} by staff: "
        f"{', '.join(review.staff)}; role {review.role}; rubric {review.rubric_version})"
    ]
    out += [f"note: {n}" for n in review.notices]
    out += ["", _redaction_lines(review), ""]
    for t in review.turns:
        if not t.staff:
            out.append(f"  {t.speaker} (line {t.line}): {t.text}")
            continue
        out.append("-" * 60)
        out.append(f"STAFF {t.speaker} (line {t.line}, turn {t.index + 1}): {t.text}")
        if t.score:
            out.append(format_score(t.score, t.text))
        out.append("-" * 60)
    out += ["", "=" * 60, _summary(review)]
    return "\n".join(out)


def _redaction_lines(review: "Review") -> str:
    from .review.redact import KINDS, describe_counts

    counts = review.redaction_counts()
    if not counts:
        return "Redacted: nothing was found to redact. Check the text for names the patterns could not see (--redact-name)."
    out = [f"Redacted: {describe_counts(counts)}"]
    listed = 0
    for t in review.turns:
        for r in t.redacted.redactions:
            if listed < MAX_LISTED:
                out.append(f"  line {t.line}: {KINDS[r.kind][1]} -> {t.text[r.start : r.end]}")
            listed += 1
    if listed > MAX_LISTED:
        out.append(f"  … and {listed - MAX_LISTED} more")
    return "\n".join(out)


def _summary(review: "Review") -> str:
    from .scoring.rules import rule_title

    s = review.summary()
    out = [f"Staff turns scored: {s.turns}"]
    for name, value in s.dimensions.items():
        out.append(f"  {name:<11} {'n/a' if value is None else f'{value:3d}'}")
    out.append(f"  overall     {s.overall:3d}" + ("  (a compliance blocker caps it at 0)" if s.blockers else ""))
    where: dict[str, list[int]] = {}
    for t in review.staff_turns:
        for b in t.score.blockers if t.score else []:
            where.setdefault(b.rule_id, []).append(t.line)
    for rule_id, lines in where.items():
        out.append(f"  BLOCKER  {rule_title(rule_id)}: line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}")
    return "\n".join(out)
