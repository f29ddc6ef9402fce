"""The persona prompt, built so a server's prefix cache hits: the system prompt is the same for the whole
call (who the patient is, the account, every concern, the rules), and each turn only appends the
previous answer and one short message (what the rep said last, the mood, the scripted line to voice).
Earlier turns are sent back exactly as they were sent, so only the new text is processed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias

from ..scenarios.schema import Scenario
from ..scenarios.variables import fill

HISTORY_CHARS = 5000  # past this the oldest half of the turns is dropped at once (one cache miss, not one a turn)
HEARD_CHARS = 100  # of the trainee's reply: its last sentence or two is what the patient answers

# one chat message as the server takes it: {"role": "system" | "user" | "assistant", "content": text}
Message: TypeAlias = dict[str, str]


def mood_words(mood: int) -> str:
    if mood < 15:
        return "furious"
    if mood < 35:
        return "upset"
    if mood < 55:
        return "worried"
    if mood < 75:
        return "calmer"
    return "at ease"


@dataclass(frozen=True)
class Exchange:
    speaker: str  # "patient" or "trainee"
    text: str


_PARAPHRASE_RULES = (
    "Each message gives what the billing rep just said and the line you say next. Reply with that line "
    "only, in your own words, as you would say it on the phone: first person, one to three short "
    "sentences, keeping every name, number, date, yes and no exactly as given. Nothing else: no quotes, "
    "labels, notes or stage directions. Never mention AI, models or scores."
)
_LEAD_IN_RULES = (
    "Each message gives what the billing rep just said and how your next line starts. Reply with only the "
    'two to six words you say just before that line: a short reaction to the rep, such as "Oh, I '
    'see.", "Hmm, alright.", "Right, thanks." or "Ugh, honestly.". Never repeat the line itself; it '
    "follows on its own. No numbers, names, dates, yes or no. No quotes, labels or stage directions."
)
_CHOOSE_RULES = (
    "Each message gives what the billing rep just said and how your next line starts. Reply with only the "
    "short reaction you say just before that line, to fit the rep's words and your mood, such as \"Oh, I "
    'see.", "Hmm, alright.", "Seriously?" or "Oh, thank you.". Never repeat the line itself; it follows on '
    "its own. Nothing else."
)
SHORT_STYLES = ("choose", "lead_in")  # the model says a few words before the scripted line

SMALL_MODEL = 3e9  # parameters: below this a model only picks a reaction


def model_size(name: str) -> float | None:
    """Parameters from a model's name ('qwen2.5-coder-1.5b-instruct' -> 1.5e9, 'SmolLM2-135M' -> 1.35e8)."""
    m = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)\s*([bm])(?![a-z])", name.lower())
    if not m:
        return None
    return float(m.group(1)) * (1e9 if m.group(2) == "b" else 1e6)


def resolve_style(style: str, model: str) -> str:
    """'auto' becomes 'choose' for a model known to be small, else 'paraphrase'."""
    if style in ("paraphrase", *SHORT_STYLES):
        return style
    size = model_size(model or "")
    return "choose" if size is not None and size < SMALL_MODEL else "paraphrase"


def rules_prefix(style: str) -> str:
    """The start of every call's system prompt in a style (a server warms up on it)."""
    return "You play a patient calling a billing office. " + {"lead_in": _LEAD_IN_RULES, "choose": _CHOOSE_RULES}.get(
        style, _PARAPHRASE_RULES
    )


def system_prompt(scenario: Scenario, values: dict[str, str], style: str = "paraphrase") -> str:
    """The same for every turn of a call (it holds nothing that changes as the call goes on). A model that
    only reacts is not told the situation or the account: every token here is read before the call's
    first word."""
    p = scenario.persona
    name = fill(p.name, values)
    # the rules first: the same for every call in a style, so a server's cache keeps them from the last call
    lines = [
        rules_prefix(style),
        f"You are {name}, {p.age}, a patient on the phone with {fill(scenario.organisation, values)}.",
        f"Temperament: {fill(p.temperament, values)}",
    ]
    if style in SHORT_STYLES:  # who is reacting is enough to choose a reaction
        return "\n".join(lines)
    facts = "\n".join(f"- {k.replace('_', ' ')}: {fill(str(v), values)}" for k, v in scenario.account.items())
    lines += [f"Situation: {fill(p.situation, values)}", "Your account:", facts or "- (no details)"]
    if p.hidden_concerns:
        lines.append(
            "Worries you share only when your line says so: " + "; ".join(fill(c.text, values) for c in p.hidden_concerns)
        )
    return "\n".join(lines)


def heard_snippet(reply: str, limit: int = HEARD_CHARS) -> str:
    """The end of the trainee's reply (what the patient answers), cut at a word, at most `limit` chars."""
    text = re.sub(r"\s+", " ", reply).strip()
    if len(text) <= limit:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    tail = ""
    for s in reversed(sentences):
        if len(s) + len(tail) + 1 > limit:
            break
        tail = f"{s} {tail}".strip()
    if not tail:  # one long sentence: its last words
        tail = "…" + text[-limit:].split(" ", 1)[-1]
    return tail


LEAD_IN_CHARS = 60  # a lead-in goes before the line's first words: those are all it needs to fit


def turn_message(heard: str | None, gist: str, mood: int, style: str = "paraphrase") -> str:
    """One short user message: the only new text of a turn (every token here is processed before the
    first word can come, so a lead-in turn sends less: the start of the line and the end of the reply)."""
    limit = LEAD_IN_CHARS if style in SHORT_STYLES else HEARD_CHARS
    said = f'Rep: "{heard_snippet(heard, limit)}"' if heard else "(The call connects.)"
    if style in SHORT_STYLES:
        first = re.split(r"(?<=[.!?])\s+", gist.strip())[0]
        gist = first if len(first) <= LEAD_IN_CHARS else first[:LEAD_IN_CHARS].rsplit(" ", 1)[0] + "…"
    return f'{said}\nYou ({mood_words(mood)}) say next: "{gist}"'


@dataclass
class Conversation:
    """The messages of one call as they were sent, so each request starts with the previous one."""

    system: str
    turns: list[Message]

    def request(self, message: str) -> list[Message]:
        return [{"role": "system", "content": self.system}, *self.turns, {"role": "user", "content": message}]

    def record(self, message: str, answer: str) -> None:
        """What was asked and what the patient said (the model's own words when it spoke, so the server's
        cache holds them already; the scripted line when it stood in)."""
        self.turns += [{"role": "user", "content": message}, {"role": "assistant", "content": answer}]
        if sum(len(t["content"]) for t in self.turns) > HISTORY_CHARS:
            keep = len(self.turns) // 2
            self.turns = self.turns[-(keep - keep % 2) :] if keep > 1 else []


def guard_facts(scenario: Scenario, values: dict[str, str], gist: str) -> list[str]:
    """What the reply may quote: account facts, drawn values, the scripted gist, the persona's own text."""
    p = scenario.persona
    return (
        [fill(str(v), values) for v in scenario.account.values()]
        + list(values.values())
        + [gist]
        + [fill(p.situation, values)]
        + [fill(c.text, values) for c in p.hidden_concerns]
        + [fill(p.name, values)]
    )
