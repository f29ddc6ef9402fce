"""A small model's lead-in: a few words said before the scripted line, which stays unchanged after it."""

from __future__ import annotations

import re

from .facts import amounts, answer, dates, ids, names, negation_count, numbers
from .guards import PREFIX_CHECKS, GuardContext, GuardResult, run_checks
from .role_checks import similar

LEAD_IN_WORDS = 8
# Words a lead-in may start with; any other capitalised first word is taken for a name.
_OPENERS = set(
    """Oh Okay Ok OK Well Right Sure Thanks Thank Hmm Um Uh Ah Alright All I I'm I've It It's That That's
So Really Wow Hold Wait Look Listen Huh Fine Great Good Got Let Let's Gosh Honestly Please Hi Hello Sorry You
This What Why How Hey Ugh Geez Jeez My Now Just Actually Finally Seriously Understood Gotcha Sounds Come Mm""".split()
)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def check_lead_in(lead: str, ctx: GuardContext) -> GuardResult:
    """A few words said before the scripted line: they may colour it, never change it, so they carry no
    fact at all (no number, date, id, name, yes/no or negation) and pass every other check."""
    words = lead.split()
    if not words:
        return GuardResult(False, "not_empty", "empty lead-in")
    if len(words) > LEAD_IN_WORDS:
        return GuardResult(False, "lead_in", f"a lead-in of {len(words)} words (at most {LEAD_IN_WORDS})")
    heard = set(re.findall(r"[A-Za-z]+", ctx.heard))  # a name the trainee gave may be used ("Thanks, Sam.")
    opener = re.findall(r"[A-Za-z']+", lead)[:1]
    named = names(lead) | ({opener[0]} if opener and opener[0][0].isupper() and opener[0] not in _OPENERS else set())
    fact = numbers(lead) or ids(lead) or amounts(lead) or dates(lead) or answer(lead) or negation_count(lead) or named - heard
    if fact:
        return GuardResult(False, "lead_in", f"the lead-in says something of its own ('{lead}')")
    first = re.findall(r"[a-z']+", ctx.gist.lower())[:1]
    if first and re.findall(r"[a-z']+", lead.lower())[-1:] == first:
        return GuardResult(False, "lead_in", f"the lead-in runs into the line ('{lead}')")
    opening = re.split(r"(?<=[.!?])\s+", ctx.gist.strip())[0]
    if similar(lead, opening) >= 0.5 or _norm(lead) in _norm(ctx.gist):  # a small model echoing its line
        return GuardResult(False, "lead_in", f"the lead-in repeats the line ('{lead}')")
    return run_checks(PREFIX_CHECKS, lead, ctx)
