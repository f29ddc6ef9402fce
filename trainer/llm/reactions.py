"""The "choose" style for small models: the model picks the patient's short reaction from a hand-written
list, and the scenario's line follows exactly as written. A server that takes a grammar (llama.cpp,
llama-cpp-python) or a choice list (vLLM) can only ever produce one of the offered reactions; any other
server's free text is matched against the list, and failing that checked as a free lead-in.

The list offered depends on the patient's mood (a furious patient does not say "Oh, thank you."), on
whether the call has just connected, and on the line itself (no reaction that runs into or echoes it,
none said in the last two turns)."""

from __future__ import annotations

import json
import re
from typing import Iterable

from .guards import GuardContext
from .lead_in import check_lead_in

# fmt: off
# Hand-written, fact-free: no name, number, date, yes/no or negation, so no reaction can change a line.
OPENING = ("Hi.", "Hello.", "Hello?", "Um, hi.", "Hi there.", "Um.", "Uh, okay.")
GREETINGS = {"hi", "hello", "hey"}
BEFORE_GREETING = ("Um.", "Hello?", "Uh, hello?")  # "Hello? Hi, I got a bill…"
# A line that starts with one of these already has its reaction: only a reaction with more to it goes first.
INTERJECTIONS = {"okay", "ok", "alright", "right", "oh", "well", "um", "uh", "hmm", "mm", "hm", "huh", "ugh", "so",
                 "look", "yeah", "yes", "no"}
BY_MOOD: dict[str, tuple[str, ...]] = {
    "furious": ("Ugh.", "Seriously?", "Look,", "Honestly,", "Come on.", "Oh, great.", "Right.", "Wait, what?", "Okay."),
    "upset": ("Ugh.", "Seriously?", "Look,", "Honestly,", "Hmm.", "Oh dear.", "Wait, what?", "Really?", "Okay.",
              "Right.", "Well,"),
    "worried": ("Oh dear.", "Oh, okay.", "Um, okay.", "Hmm.", "Oh, I see.", "Well, okay.", "Okay.", "I see.",
                "Right.", "Really?", "Huh.", "Alright."),
    "calmer": ("Okay.", "Alright.", "I see.", "Right.", "Mm-hm.", "Oh, I see.", "Hmm, alright.", "Oh, okay.",
               "Thanks.", "Okay, thanks.", "Oh, good.", "Really?"),
    "at ease": ("Oh, thank you.", "Oh, good.", "Thanks.", "Okay, thanks.", "Oh, that helps.", "Great.", "Okay.",
                "Alright.", "I see.", "Mm-hm."),
}
# fmt: on
ALL = tuple(dict.fromkeys(OPENING + BEFORE_GREETING + tuple(r for band in BY_MOOD.values() for r in band)))
RECENT = 2  # turns a reaction stays out of the list, so the patient does not say "Hmm." every time


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def _stems(text: str) -> list[str]:
    """Words that would sound said twice, were a reaction and its line to share them."""
    return [w.removesuffix("s") for w in _words(text).split() if w not in ("i", "a", "the", "you")]


def choices(band: str, opening: bool, ctx: GuardContext, recent: Iterable[str] = ()) -> list[str]:
    """The reactions offered for one line: by mood (or a greeting when the call connects), without any
    that fail the lead-in check against this line, and without the last ones said."""
    pool = OPENING if opening else BY_MOOD.get(band, BY_MOOD["worried"])
    starts = re.findall(r"[a-z]+", ctx.gist.lower())[:2]
    if GREETINGS & set(starts):  # not "Hello. Hi, I got a bill…" nor "Hello. Yeah, hi…"
        pool = BEFORE_GREETING
    elif starts and starts[0] in INTERJECTIONS:  # not "Alright. Okay, I think I can breathe again."
        pool = tuple(r for r in pool if not set(_words(r).split()) <= INTERJECTIONS | {"i", "see", "dear", "hi"})
    first_sentence = set(_stems(re.split(r"(?<=[.!?])\s+", ctx.gist.strip())[0]))
    pool = tuple(r for r in pool if not set(_stems(r)) & first_sentence)  # not "Thanks. Okay, thank you."
    said = {_words(r) for r in recent}
    fresh = [r for r in pool if _words(r) not in said] or list(pool)
    return [r for r in fresh if check_lead_in(r, ctx).ok]


def match(text: str, offered: Iterable[str]) -> str | None:
    """The offered reaction the model said (ignoring case, quotes and punctuation a stop may have cut)."""
    said = _words(text)
    return next((r for r in offered if _words(r) == said), None) if said else None


def grammar(offered: Iterable[str]) -> str:
    """A GBNF grammar whose only sentences are the offered reactions (GBNF strings escape as JSON's do)."""
    return "root ::= " + " | ".join(json.dumps(r) for r in offered)


def constraint(offered: list[str]) -> dict[str, object]:
    """Request fields that hold a server to the list: `grammar` for llama.cpp and llama-cpp-python,
    `guided_choice` for vLLM. Servers that know neither ignore them, and their text is matched."""
    return {"grammar": grammar(offered), "guided_choice": list(offered)}
