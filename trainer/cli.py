"""Command line: the window by default, or headless subcommands (practice, score, validate)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

from . import __version__
from .config import BUILTIN_SCENARIOS_DIR, database_path
from .domain import ROLES, CallState
from .cli_data import add_commands
from .cli_assign import add_assign_commands
from .cli_review import add_review_command
from .console import format_debrief, format_score
from .scenarios.loader import Library, load_library
from .startup import library, model_persona_factory, open_store, upgrade_notice_on_stderr


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="billing-trainer", description=("Practise hard hospital-billing calls. With no command, opens the window.")
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--data-dir", help="folder for the database (default: the user data folder, or $BILLING_TRAINER_DATA_DIR)")
    p.add_argument("--scenarios", action="append", metavar="PATH", help="extra scenario file or folder (may be repeated)")
    p.add_argument("--kiosk", action="store_true", help="open the window in kiosk mode (full screen, idle sign-out)")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("gui", help="open the window (the default)")

    pr = sub.add_parser("practice", help="play a call in the terminal")
    pr.add_argument("scenario", help="scenario id or path to a scenario file")
    pr.add_argument("--name", default=os.environ.get("USER") or "trainee", help="trainee name (default: $USER)")
    pr.add_argument("--seed", type=int, help="fix names and amounts (for previewing)")
    pr.add_argument(
        "--pin",
        action="store_true",
        help="sign in with your personal PIN (asked for; or from $BILLING_TRAINER_TRAINEE_PIN). "
        "A trainee who has a PIN always needs it.",
    )
    pr.add_argument(
        "--llm",
        action="store_true",
        help="let a language model voice the patient (server from Settings or OPENAI_BASE_URL; "
        "key from OPENAI_API_KEY); any failure falls back to the scripted line",
    )
    pr.add_argument(
        "--auto", action="store_true", help="answer every line with the scenario's model answer (to preview a scenario)"
    )

    sc = sub.add_parser("score", help="score one reply and print the reasons")
    sc.add_argument("reply", help="the reply text ('-' reads it from standard input)")
    sc.add_argument("--patient-line", default="", help="what the patient just said")
    sc.add_argument("--role", choices=ROLES, default="hospital_billing")
    sc.add_argument(
        "--state",
        action="append",
        default=[],
        metavar="FIELD=true|false",
        help=f"call state so far; fields: {', '.join(CallState.__dataclass_fields__)}",
    )
    sc.add_argument("--json", action="store_true", help="print the full score as JSON")

    ev = sub.add_parser("score-eval", help="agreement of the scorer with the labelled corpus")
    ev.add_argument(
        "--split",
        choices=("heldout", "train", "all"),
        default="heldout",
        help="which part of the corpus (default: the held-back split, never used for tuning)",
    )
    ev.add_argument("--corpus", help="a JSONL corpus in the same format (default: assets/corpus/replies.jsonl)")

    va = sub.add_parser("validate", help="check scenario files")
    va.add_argument("paths", nargs="*", help="files or folders (default: the built-in scenarios)")
    sub.add_parser("list", help="list the scenarios")
    add_commands(sub)  # classroom data: bundles, reports, xAPI
    add_review_command(sub)  # review-call: score a real call's transcript, redacted first
    add_assign_commands(sub)  # assign, assignments: practice a supervisor sets, with due dates
    return p


def run_command(args, pdf_writer=None) -> int:
    """Run a terminal command (trainer.launch opens the window instead when none is given).
    pdf_writer: a callable returning the report-card writer (it needs Qt, so the launcher provides it)."""
    args.pdf_writer = pdf_writer
    if getattr(args, "data_handler", None):
        return args.data_handler(args)
    commands = {
        "practice": cmd_practice,
        "score": cmd_score,
        "score-eval": cmd_score_eval,
        "validate": cmd_validate,
        "list": cmd_list,
    }
    return commands[args.command](args)


PRACTICE_HELP = (
    "commands: /hint a nudge (costs points) · /retry answer the last line again · /hangup ends the "
    "call (Ctrl+C or Ctrl+D too) · /help this list. Anything else is your reply to the patient."
)


def say(text: str = "") -> None:
    """Print wrapped at word boundaries to the terminal's width (a word is never cut in two)."""
    width = max(40, min(100, shutil.get_terminal_size((100, 24)).columns - 1))
    for para in text.split("\n"):
        indent = para[: len(para) - len(para.lstrip())]
        print(
            textwrap.fill(para, width, subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False)
            if para.strip()
            else para
        )


def say_patient(line) -> None:
    say(f"PATIENT: {line.text}" + ("   [scripted line]" if line.fallback else "") + "\n")


def patient_card(session) -> str:
    s = session.scenario
    facts = [f"  {k.replace('_', ' ').capitalize()}: {v}" for k, v in session.account.items()]
    goals = [f"  - {o}" for o in s.objectives]
    return "\n".join(
        [
            s.title,
            s.summary,
            f"You are: {s.organisation}.",
            f"Patient: {session.persona_name}, {s.persona.age}. {s.persona.situation}",
            "Account:",
            *facts,
            "Your goals on this call:",
            *goals,
            "",
        ]
    )


def practise(session, line, auto: bool) -> None:
    """The call's turns: a reply, its scores with the reasons, the patient's answer; commands between."""
    from .session import Busy, EmptyReply, ReplyNotSaved

    unsent = ""  # a reply the store could not save: Enter on an empty line sends it again
    while not session.finished:
        try:
            reply = line.model_answer if auto else input("YOU (Enter sends your last reply again)> " if unsent else "YOU> ")
            if auto:
                say(f"YOU (model answer)> {reply}")
        except (EOFError, KeyboardInterrupt):  # Ctrl+D or Ctrl+C hangs up, keeping what was said
            print()
            session.hang_up()
            return
        if unsent and not reply.strip():
            reply = unsent
        command = reply.strip().lower()
        if command == "/hangup":
            session.hang_up()
            return
        if command.startswith("/"):  # a command is never sent to the patient
            line = _command(session, command, line)
            continue
        try:
            result = session.submit(reply)
        except EmptyReply as e:
            say(str(e))
            continue
        except (ReplyNotSaved, Busy) as e:
            unsent = reply
            say(f"not saved: {e}")
            continue
        unsent = ""
        for notice in result.notices:
            say(f"note: {notice}")
        say(format_score(result.turn.score, result.turn.reply))
        if line.model_answer:
            say(f"  A strong reply: {line.model_answer}\n")
        line = result.patient
        say_patient(line)


def _command(session, command: str, line):
    if command == "/hint":
        try:
            say(session.hint())
        except RuntimeError as e:
            say(str(e))
    elif command == "/retry":
        if session.can_retry:
            line = session.retry()
            say("Answer that line again (your first try stays in the record).")
            say_patient(line)
        else:
            say("There is no reply to retry yet.")
    else:
        say(PRACTICE_HELP if command in ("/help", "/?") else f"unknown command {command!r}\n{PRACTICE_HELP}")
    return line


def library_for(args) -> Library:
    return library(args.scenarios)


def cmd_validate(args) -> int:
    paths = args.paths or [BUILTIN_SCENARIOS_DIR]
    library = load_library(*paths)
    for loaded in library.scenarios:
        print(f"ok      {loaded.path}  ({loaded.scenario.id}, {len(loaded.scenario.nodes)} nodes)")
    for problem in library.problems:
        print(f"error   {problem}")
    print(f"{len(library.scenarios)} valid, {len(library.problems)} problem(s)")
    return 1 if library.problems else 0


def cmd_list(args) -> int:
    library = library_for(args)
    for loaded in library.scenarios:
        s = loaded.scenario
        print(f"{s.id:32} difficulty {s.difficulty}  {s.title}")
    for problem in library.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0


def cmd_score(args) -> int:
    from .scoring import ScoreContext, Scorer

    reply = sys.stdin.read() if args.reply == "-" else args.reply
    try:
        state = CallState(**dict(_parse_state(s) for s in args.state))
    except (ValueError, TypeError) as e:
        print(f"error: --state: {e}", file=sys.stderr)
        return 2
    score = Scorer().score(reply, ScoreContext(args.patient_line, args.role, frozenset(), state))
    print(json.dumps(score.to_dict(), indent=2) if args.json else format_score(score, reply))
    return 0


def _llm_persona_factory(args):
    """Build model-voiced patients from the data folder's settings and the environment."""
    from .config import data_dir
    from .llm.endpoint import EndpointConfig
    from .settings import load_settings

    config = EndpointConfig.from_settings(load_settings(data_dir(args.data_dir))[0])
    print(
        f"Patient voiced by {config.model or 'the server default model'} at {config.base_url}; "
        "a line that fails its checks is replaced by the scripted one.",
        file=sys.stderr,
    )
    return model_persona_factory(config)


def cmd_score_eval(args) -> int:
    from .scoring.evaluate import CORPUS_PATH, agreement, format_agreement, inter_rater, load_corpus, load_second_rating

    try:
        items = load_corpus(Path(args.corpus) if args.corpus else CORPUS_PATH)
        second = {} if args.corpus else load_second_rating()
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(format_agreement(agreement(items, args.split)))
    if second:
        print(format_agreement(inter_rater(items, second)))
    return 0


def _parse_state(item: str) -> tuple[str, bool]:
    name, _, value = item.partition("=")
    if name not in CallState.__dataclass_fields__:
        raise ValueError(f"unknown field '{name}'")
    if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError(f"'{item}': the value must be true or false")
    return name, value.lower() in ("true", "1", "yes")


def _sign_in(store, name: str, with_pin: bool) -> str | None:
    """The trainee's id; a trainee with a personal PIN must give it (as at the window)."""
    import getpass

    from .store.pins import SignInError, has_trainee_pin, trainee_sign_in

    if not with_pin and not has_trainee_pin(store, name):
        return store.sign_in(name)
    pin = os.environ.get("BILLING_TRAINER_TRAINEE_PIN")
    if pin is None and sys.stdin.isatty():
        pin = getpass.getpass(f"PIN for {name}: ")
    try:
        return trainee_sign_in(store, name, pin or "")
    except SignInError as e:
        print(f"error: {e}", file=sys.stderr)
        return None


def cmd_practice(args) -> int:
    from .session import CallSession
    from .store.errors import StoreError

    library = library_for(args)
    loaded = library.get(args.scenario)
    if loaded is None and Path(args.scenario).exists():
        extra = load_library(args.scenario)
        for problem in extra.problems:
            print(f"error: {problem}", file=sys.stderr)
        loaded = extra.scenarios[0] if extra.scenarios else None
    if loaded is None:
        if not Path(args.scenario).exists():
            known = ", ".join(s.scenario.id for s in library.scenarios)
            print(f"error: no scenario '{args.scenario}'. Known: {known}", file=sys.stderr)
        return 2
    try:
        path = database_path(args.data_dir)
        store, note = open_store(path, upgrade_notice_on_stderr(path))
        if note:
            print(f"note: {note}", file=sys.stderr)
    except StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    trainee = _sign_in(store, args.name, args.pin)
    if trainee is None:
        store.close()
        return 2
    factory = _llm_persona_factory(args) if args.llm else None
    session = CallSession(loaded, store, trainee, seed=args.seed, **({"persona_factory": factory} if factory else {}))
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")  # bytes that are not UTF-8 become U+FFFD, never a crash
    say(patient_card(session))
    say("Type your reply and press Enter; type /help for commands.\n")
    try:
        line = session.open()
        say_patient(line)
        practise(session, line, args.auto)
    except KeyboardInterrupt:  # Ctrl+C during the patient's line: the call ends cleanly, what was said is kept
        print()
        session.hang_up()
    except StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    say(format_debrief(session))
    store.end_run()
    store.close()
    return 0
