"""The app's entry point: the window by default, or a terminal command. The one module that knows both
the terminal (trainer.cli) and the window (trainer.ui), so neither imports the other."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from .cli import build_parser, run_command

    args = build_parser().parse_args(argv)
    if (args.command or "gui") == "gui":
        from .ui.app import run_gui  # Qt is imported only when the window is wanted

        return run_gui(args)
    return run_command(args, pdf_writer=_pdf_writer)


def gui_main() -> int:
    return main(["gui"] + sys.argv[1:])


def _pdf_writer():
    from .ui.report_card import write_report_card  # Qt only when a report card is wanted

    return write_report_card
