"""Headless commands for a supervisor's assignments: `assign` (add one) and `assignments` (list them with
their completion, or withdraw one). cli.py registers them with add_assign_commands(subparsers).
Exit codes: 0 done, 1 nothing matched (no such trainee or assignment), 2 bad input or database."""

from __future__ import annotations

import datetime as dt

from .assignments import AssignmentError, add, class_completion
from .cli_data import error, open_store
from .scenarios.schema import CRCR_DOMAINS
from .store.bundle.format import printable
from .verdict import PASS_MARK

MAX_NAMED = 20  # overdue trainees named per whole-class assignment


def add_assign_commands(sub) -> None:
    """Register `assign` and `assignments` on cli.py's subparsers."""
    a = sub.add_parser("assign", help="assign calls to a trainee or the whole class, with a due date")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--trainee", metavar="NAME", help="the trainee's name (or id)")
    who.add_argument("--class", dest="whole_class", action="store_true", help="the whole class (trainees who join later too)")
    what = a.add_mutually_exclusive_group(required=True)
    what.add_argument("--scenario", nargs="+", metavar="ID", help="these scenarios, each to the target")
    what.add_argument("--domain", metavar="D", help=f"one call in this CRCR domain ({', '.join(CRCR_DOMAINS)})")
    what.add_argument("--weakest", action="store_true", help="one call that works on the trainee's weakest dimension")
    a.add_argument("--due", required=True, metavar="YYYY-MM-DD", help="the day it is due (today or later)")
    a.add_argument(
        "--target",
        type=int,
        default=PASS_MARK,
        metavar="N",
        help=f"the overall a call must reach, 0-100 (default {PASS_MARK}, the pass mark)",
    )
    a.add_argument("--author", default="supervisor", help="who assigns it (default: supervisor)")
    a.set_defaults(data_handler=cmd_assign)

    ls = sub.add_parser("assignments", help="list the assignments with how many have done each")
    ls.add_argument("--withdraw", metavar="ID", help="withdraw an assignment (its id, or the first 8 characters)")
    ls.add_argument("--author", default="supervisor", help="who withdraws it (default: supervisor)")
    ls.set_defaults(data_handler=cmd_assignments)


def _library(args):
    from .startup import library

    return library(getattr(args, "scenarios", None))


def cmd_assign(args) -> int:
    from .store.queries import find_trainee

    store = open_store(args)
    if store is None:
        return 2
    try:
        trainee_id, name = None, "the whole class"
        if args.trainee is not None:
            row = find_trainee(store, args.trainee)
            if row is None:
                return error(f"no trainee named {args.trainee!r}", 1)
            trainee_id, name = row
        kind = "scenarios" if args.scenario else "domain" if args.domain else "weakest"
        try:
            aid = add(
                store,
                _library(args),
                author=args.author,
                trainee_id=trainee_id,
                kind=kind,
                scenarios=args.scenario or (),
                domain=args.domain,
                due=args.due,
                target=args.target,
            )
        except AssignmentError as e:
            return error(str(e))
    finally:
        store.close()
    print(f"Assigned to {printable(name, 80)}, due {args.due}, target {args.target} (assignment {aid}).")
    return 0


def cmd_assignments(args) -> int:
    from .store.assignments import all_assignments, withdraw_assignment

    store = open_store(args)
    if store is None:
        return 2
    try:
        if args.withdraw:
            ids = [r["id"] for r in all_assignments(store) if r["id"].startswith(args.withdraw.strip().lower())]
            if len(ids) != 1:
                return error(f"{'no' if not ids else 'more than one'} assignment {args.withdraw!r} to withdraw", 1)
            withdraw_assignment(store, ids[0], args.author)
            print(f"Withdrew assignment {ids[0]}.")
            return 0
        library = _library(args)
        items = class_completion(store, library)
    finally:
        store.close()
    if not items:
        print("No assignments.")
        return 0
    today = dt.date.today()
    for a, completion in items:
        late = " (past)" if today > a.due else ""
        print(
            f"{a.id[:8]}  due {a.due.isoformat()}{late}  target {a.target}  {printable(a.who(), 40)}: "
            f"{printable(a.what(library), 200)}\n          {completion.words()}"
        )
        late_names = [printable(name, 60) for name, s in completion.trainees if s.overdue]
        if a.whole_class and late_names:
            more = f" and {len(late_names) - MAX_NAMED} more" if len(late_names) > MAX_NAMED else ""
            print(f"          overdue: {', '.join(late_names[:MAX_NAMED])}{more}")
    return 0
