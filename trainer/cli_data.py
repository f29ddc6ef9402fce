"""Headless commands for a class's data: kiosk bundles, reports, xAPI.

cli.py registers them with add_commands(subparsers); each sets args.data_handler. They can also
be run on their own: python -m trainer.cli_data [--data-dir PATH] COMMAND …
Exit codes: 0 done, 1 a file or the LRS was refused (the message names it), 2 bad usage or database.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from .config import database_path

PASSWORD_ENV = "BILLING_TRAINER_LRS_PASSWORD"


def add_commands(sub) -> None:
    """Register the data commands on cli.py's subparsers."""
    ex = sub.add_parser("export-bundle", help="write this kiosk's sessions to a bundle file in a folder (e.g. a USB stick)")
    ex.add_argument("dest", help="folder to write the bundle into")
    ex.add_argument("--since", help="only sessions started on or after this date (YYYY-MM-DD)")
    ex.add_argument(
        "--only-this-kiosk", action="store_true", help="only sessions made on this kiosk (not ones imported from others)"
    )
    ex.add_argument("--name", help="name for the bundle file (default: the kiosk's name or id)")
    ex.set_defaults(data_handler=cmd_export_bundle)

    im = sub.add_parser("import-bundle", help="merge kiosk bundles into this database (safe to repeat)")
    im.add_argument("files", nargs="+", help="bundle files (or folders holding them)")
    im.add_argument(
        "--skip-bad", action="store_true", help="import the good files even if some are damaged (default: import nothing then)"
    )
    im.set_defaults(data_handler=cmd_import_bundle)

    rc = sub.add_parser("report-csv", help="write sessions.csv, turns.csv and annotations.csv into a folder")
    rc.add_argument("dest", help="folder for the CSV files (made if missing)")
    rc.set_defaults(data_handler=cmd_report_csv)

    cs = sub.add_parser("class-summary", help="averages per dimension and topic, most common blockers")
    cs.add_argument("--json", action="store_true", help="print it as JSON")
    cs.set_defaults(data_handler=cmd_class_summary)

    card = sub.add_parser("report-card", help="write a trainee's PDF report card")
    card.add_argument("trainee", help="the trainee's name (or id)")
    card.add_argument("dest", help="PDF file, or a folder to write <name>.pdf into")
    card.set_defaults(data_handler=cmd_report_card)

    xe = sub.add_parser("xapi-export", help="write finished sessions as xAPI statements; optionally send them to an LRS")
    xe.add_argument("dest", help="JSON file for the statements")
    xe.add_argument("--since", help="only sessions that ended on or after this date (YYYY-MM-DD)")
    xe.add_argument("--no-turns", action="store_true", help="one statement pair per call, none per reply")
    xe.add_argument("--iri-base", help="base of the activity and account IRIs (your organisation's address)")
    _lrs_options(xe, required=False)
    xe.set_defaults(data_handler=cmd_xapi_export)

    ov = sub.add_parser("override", help="a supervisor's verdict on one call: override a score or lift a blocker")
    ov.add_argument("session", help="the call's id (see report-csv)")
    ov.add_argument("--reason", required=True, help="why (kept beside the automatic score)")
    what = ov.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--set", nargs=2, metavar=("DIMENSION", "VALUE"), help="empathy, clarity, compliance or overall, and a score 0-100"
    )
    what.add_argument("--lift-blocker", metavar="RULE_ID", help="a blocker of this call, judged not a breach")
    ov.add_argument("--author", default="supervisor", help="who decided (default: supervisor)")
    ov.set_defaults(data_handler=cmd_override)

    rp = sub.add_parser("reset-pin", help="remove a forgotten or damaged supervisor PIN (run at this computer)")
    rp.add_argument("--yes", action="store_true", help="do not ask to type RESET")
    rp.set_defaults(data_handler=cmd_reset_pin)

    xf = sub.add_parser("xapi-flush", help="send the statements waiting in the outbox to the LRS")
    _lrs_options(xf, required=False)
    xf.set_defaults(data_handler=cmd_xapi_flush)


def _lrs_options(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument(
        "--post",
        "--url",
        dest="url",
        metavar="URL",
        help="LRS endpoint, e.g. https://lrs.example.org/xapi/ (remembered for xapi-flush)",
    )
    p.add_argument("--user", help="LRS user (basic auth; remembered)")
    p.add_argument("--password", help=f"LRS password (never stored; or set ${PASSWORD_ENV})")
    p.add_argument("--retries", type=int, default=3, help="tries per batch when the LRS cannot be reached")


def error(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


PIN_ENV = "BILLING_TRAINER_PIN"


def open_store(args, supervisor: bool = True):
    """The store, once the supervisor PIN (when one is set) was given: from $BILLING_TRAINER_PIN, or asked
    for at the terminal. Every data command reads the whole class, so each one asks."""
    from .pin import PinError
    from .startup import open_store as open_data, upgrade_notice_on_stderr
    from .store.errors import StoreError
    from .store.pins import DAMAGED, check_supervisor_pin, supervisor_pin

    path = database_path(getattr(args, "data_dir", None))
    try:
        store = open_data(path, upgrade_notice_on_stderr(path), begin_run=False)[0]
    except StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return None
    state = supervisor_pin(store)[0] if supervisor else "none"
    if state == "none":
        return store
    pin = os.environ.get(PIN_ENV)
    if pin is None and sys.stdin.isatty():
        pin = getpass.getpass("Supervisor PIN: ")
    message = DAMAGED if state == "damaged" else f"a supervisor PIN is set: give it at the prompt or in ${PIN_ENV}"
    try:
        if pin and check_supervisor_pin(store, pin):
            return store
        if pin:
            message = "the supervisor PIN is not right"
    except PinError as e:
        message = str(e)
    store.close()
    print(f"error: {message}", file=sys.stderr)
    return None


def cmd_override(args) -> int:
    from .verdict import verdict_words

    store = open_store(args)
    if store is None:
        return 2
    try:
        if args.set:
            dimension, value = args.set
            if not value.isdigit():
                return error(f"the value must be a whole number from 0 to 100, not {value!r}")
            store.add_annotation(args.session, args.author, "override", args.reason, dimension=dimension, value=int(value))
        else:
            store.add_annotation(args.session, args.author, "blocker", args.reason, rule_id=args.lift_blocker)
        s = store.session(args.session)
    except ValueError as e:
        return error(str(e))
    finally:
        store.close()
    print(
        f"Saved. Verdict: {verdict_words(s['status'], bool(s['passed']))} (supervisor); "
        f"automatic: {verdict_words(s['status'], bool(s['auto_passed']))}."
    )
    return 0


def cmd_reset_pin(args) -> int:
    """The documented way back in when the supervisor PIN is forgotten or its record is damaged: run at the
    computer itself (a kiosk's trainees have no terminal)."""
    from .store.pins import reset_supervisor_pin

    store = open_store(args, supervisor=False)
    if store is None:
        return 2
    try:
        if not args.yes:
            answer = input("This removes the supervisor PIN and its lock-out. Type RESET to go on: ")
            if answer.strip() != "RESET":
                return error("nothing was changed", 1)
        reset_supervisor_pin(store)
    finally:
        store.close()
    print("The supervisor PIN was removed. Set a new one in Settings before the kiosk is used again.")
    return 0


def cmd_export_bundle(args) -> int:
    from .store.bundle import BundleError, export_bundle

    store = open_store(args)
    if store is None:
        return 2
    try:
        result = export_bundle(
            store, args.dest, since=args.since, origin=store.kiosk_id if args.only_this_kiosk else None, name=args.name
        )
    except BundleError as e:
        return error(str(e), 1)
    finally:
        store.close()
    c = result.manifest["counts"]
    print(
        f"Wrote {result.path}\n  {c['sessions']} session(s), {c['turns']} turn(s), {c['trainees']} trainee(s), "
        f"{c['annotations']} annotation(s); sha256 {result.manifest['data']['sha256']}"
    )
    return 0


def _bundle_files(items: list[str]) -> list[Path]:
    from .store.bundle import BUNDLE_SUFFIX

    files = []
    for item in items:
        p = Path(item)
        files += sorted(p.glob(f"*{BUNDLE_SUFFIX}")) if p.is_dir() else [p]
    return files


def cmd_import_bundle(args) -> int:
    from .store.bundle import format_import_report, import_bundles

    files = _bundle_files(args.files)
    if not files:
        return error(f"no bundle files in {', '.join(args.files)}", 1)
    store = open_store(args)
    if store is None:
        return 2
    try:

        def progress(i: int, n: int, path: Path) -> None:
            if i < n:
                print(f"[{i + 1}/{n}] {path}", file=sys.stderr)

        report = import_bundles(store, files, skip_bad=args.skip_bad, progress=progress)
    finally:
        store.close()
    print(format_import_report(report))
    return 1 if report.rejected else 0


def cmd_report_csv(args) -> int:
    from .store.reports import write_csv_reports

    store = open_store(args)
    if store is None:
        return 2
    try:
        written = write_csv_reports(store, args.dest)
    except OSError as e:
        return error(f"cannot write to {args.dest}: {e.strerror or e}", 1)
    finally:
        store.close()
    for path, rows in written.items():
        print(f"Wrote {path} ({rows} row(s))")
    return 0


def scenario_topics(args) -> dict[str, list[str]]:
    from .scenarios.loader import load_library
    from .config import BUILTIN_SCENARIOS_DIR

    library = load_library(BUILTIN_SCENARIOS_DIR, *(getattr(args, "scenarios", None) or []))
    return {s.scenario.id: list(s.scenario.crcr_topics) for s in library.scenarios}


def cmd_class_summary(args) -> int:
    from .scoring.rules import RULES
    from .store.queries import class_summary
    from .store.reports import format_class_summary

    store = open_store(args)
    if store is None:
        return 2
    try:
        summary = class_summary(store, scenario_topics(args))
    finally:
        store.close()
    print(json.dumps(summary, indent=2) if args.json else format_class_summary(summary, {k: r.title for k, r in RULES.items()}))
    return 0


def cmd_report_card(args) -> int:
    store = open_store(args)
    if store is None:
        return 2
    try:
        from .store.queries import find_trainee

        row = find_trainee(store, args.trainee)
        if row is None:
            return error(f"no trainee named '{args.trainee}'", 1)
        dest = Path(args.dest)
        if dest.is_dir():
            dest = dest / f"{''.join(ch if ch.isalnum() or ch in ' -_' else '_' for ch in row[1]).strip()}.pdf"
        if getattr(args, "pdf_writer", None) is None:
            return error("report-card needs the app's launcher: run it as `python main.py report-card ...`")
        try:
            args.pdf_writer()(store, row[0], dest)
        except OSError as e:
            return error(f"cannot write {dest}: {e.strerror or e}", 1)
    finally:
        store.close()
    print(f"Wrote {dest}")
    return 0


def _client(args, store):
    from .store.xapi import LRSClient

    url = args.url or store.setting("lrs_endpoint")
    if not url:
        return None, "no LRS endpoint: give --post URL (it is remembered)"
    user = args.user if args.user is not None else (store.setting("lrs_user") or "")
    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV, "")
    try:
        client = LRSClient(url, user, password, retries=max(0, args.retries))
    except ValueError as e:
        return None, str(e)
    store.set_setting("lrs_endpoint", url)
    if args.user is not None:
        store.set_setting("lrs_user", args.user)
    return client, None


def _flush(store, client) -> int:
    from .store.xapi import Outbox

    outbox = Outbox.beside(store.path)
    result = outbox.flush(client)
    print(
        f"Sent {result.sent_statements} statement(s) in {result.sent_batches} batch(es) to {client.url}; "
        f"{result.remaining} batch(es) still queued in {outbox.folder}"
    )
    for path in result.rejected:
        print(f"rejected by the LRS, kept in {path} (see {path.name}.reason.txt)", file=sys.stderr)
    if result.error:
        print(f"error: {result.error}", file=sys.stderr)
    return 1 if result.error or result.rejected else 0


def cmd_xapi_export(args) -> int:
    from .store.xapi import DEFAULT_IRI_BASE, Outbox, queue_finished_sessions, write_statements

    store = open_store(args)
    if store is None:
        return 2
    try:
        iri_base = args.iri_base or store.setting("xapi_iri_base") or DEFAULT_IRI_BASE
        if args.iri_base:
            store.set_setting("xapi_iri_base", args.iri_base)
        options = {"since": args.since, "include_turns": not args.no_turns, "iri_base": iri_base}
        try:
            n = write_statements(store, args.dest, **options)
        except OSError as e:
            return error(f"cannot write {args.dest}: {e.strerror or e}", 1)
        print(f"Wrote {n} statement(s) to {args.dest}")
        if not args.url:
            return 0
        client, problem = _client(args, store)
        if client is None:
            return error(problem)
        queued = queue_finished_sessions(store, Outbox.beside(store.path), include_turns=not args.no_turns, iri_base=iri_base)
        print(f"Queued {queued} session(s) not sent before")
        return _flush(store, client)
    finally:
        store.close()


def cmd_xapi_flush(args) -> int:
    store = open_store(args)
    if store is None:
        return 2
    try:
        client, problem = _client(args, store)
        if client is None:
            return error(problem)
        return _flush(store, client)
    finally:
        store.close()
