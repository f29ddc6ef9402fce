"""The persona prompt: who the patient is, what the account says, how they feel, what they have not
said yet, and what this line of the scenario must do (its intent, with the scripted line as the gist)."""
from __future__ import annotations

from dataclasses import dataclass

from ..scenarios.schema import Node, Scenario
from ..scenarios.variables import fill

HISTORY_TURNS = 6  # the last exchanges sent along; older ones add tokens and little else


def mood_words(mood: int) -> str:
    if mood < 15:
        return "furious and close to hanging up"
    if mood < 35:
        return "upset and impatient"
    if mood < 55:
        return "worried and guarded"
    if mood < 75:
        return "calmer, cautiously cooperative"
    return "at ease and grateful"


@dataclass(frozen=True)
class Exchange:
    speaker: str  # "patient" or "trainee"
    text: str


def system_prompt(scenario: Scenario, values: dict[str, str], mood: int, revealed: list[str]) -> str:
    p = scenario.persona
    name = fill(p.name, values)
    facts = "\n".join(f"- {k.replace('_', ' ')}: {fill(str(v), values)}" for k, v in scenario.account.items())
    hidden = [c for c in p.hidden_concerns if c.id not in revealed]
    told = [c for c in p.hidden_concerns if c.id in revealed]
    lines = [
        f"You are {name}, {p.age}, a patient on the phone with {fill(scenario.organisation, values)}.",
        f"Your situation: {fill(p.situation, values)}",
        f"Your temperament: {fill(p.temperament, values)}",
        f"Right now you feel {mood_words(mood)}.",
        "The facts of your account (never change a number or date; say none that is not here):",
        facts or "- (no details)",
    ]
    if told:
        lines.append("You have already shared: " + "; ".join(fill(c.text, values) for c in told))
    if hidden:
        lines.append("You have NOT said yet (hint at it only if asked kindly): "
                     + "; ".join(fill(c.text, values) for c in hidden))
    lines += [
        "Rules: speak only as this patient, in the first person, one to three short spoken sentences.",
        "Never mention AI, models, scripts, training or scores. Never advise the billing person on how to "
        "do their job. No lists, labels, quotes or stage directions.",
    ]
    return "\n".join(lines)


def line_instruction(node: Node, gist: str) -> str:
    intent = node.intent.strip() or "Say what the line below says."
    return (f"Your next line must do this: {intent}\n"
            f"Say it in your own words, keeping its meaning and every number: \"{gist}\"")


def build_messages(scenario: Scenario, values: dict[str, str], node: Node, gist: str, mood: int,
                   revealed: list[str], history: list[Exchange]) -> list[dict]:
    """Chat messages: the persona as system, the conversation so far, then the line to voice."""
    msgs = [{"role": "system", "content": system_prompt(scenario, values, mood, revealed)}]
    for ex in history[-2 * HISTORY_TURNS:]:
        # The model plays the patient, so the patient's lines are the assistant's.
        msgs.append({"role": "assistant" if ex.speaker == "patient" else "user", "content": ex.text})
    lead = "(The call connects.)" if not history else "(That is what the billing person said.)"
    msgs.append({"role": "user", "content": f"{lead} {line_instruction(node, gist)}"})
    return _merge_consecutive(msgs)


def _merge_consecutive(msgs: list[dict]) -> list[dict]:
    """Some chat templates refuse two user turns in a row: join them."""
    out: list[dict] = []
    for m in msgs:
        if out and out[-1]["role"] == m["role"] and m["role"] != "system":
            out[-1] = {"role": m["role"], "content": out[-1]["content"] + "\n" + m["content"]}
        else:
            out.append(dict(m))
    return out


def guard_facts(scenario: Scenario, values: dict[str, str], gist: str) -> list[str]:
    """What the reply may quote: account facts, drawn values, the scripted gist, the persona's own text."""
    p = scenario.persona
    return ([fill(str(v), values) for v in scenario.account.values()] + list(values.values()) + [gist]
            + [fill(p.situation, values)] + [fill(c.text, values) for c in p.hidden_concerns])
