"""Checks a schema-valid scenario: every name it uses is known, every text fills safely, every node is
reachable and every path ends."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..domain import MOVES
from ..glossary import glossary
from ..scoring.regulatory_facts import REGULATORY_FACTS
from ..scoring.rules import RULES
from .schema import Scenario
from .strict_yaml import YamlPath
from .templates import NAME_PATTERN, placeholders, template_mistakes, texts_of
from .variables import longest_value

Finding = tuple[YamlPath, str]  # (path into the file, message)
MISTAKES_PER_TEXT = 3  # a text full of stray braces is reported, not listed brace by brace
MAX_FILLED_CHARS = 20_000


def known_move(move: str) -> bool:
    if move.startswith("explained:"):
        return move.split(":", 1)[1] in glossary().by_term
    return move in MOVES


def check_graph(sc: Scenario) -> list[Finding]:
    out: list[Finding] = []
    nodes = sc.nodes
    if sc.start not in nodes:
        out.append((("start",), f"start node '{sc.start}' does not exist"))
    for i, rule in enumerate(sc.rules):
        if rule not in RULES:
            out.append((("rules", i), f"unknown rule '{rule}'; known rules: {', '.join(RULES)}"))
    for i, concern in enumerate(sc.persona.hidden_concerns):
        for j, move in enumerate(concern.revealed_by):
            if not known_move(move):
                out.append((("persona", "hidden_concerns", i, "revealed_by", j), f"unknown move '{move}'"))

    line_ids: dict[str, str] = {}
    for i, fact_id in enumerate(sc.facts.regulations):
        if fact_id not in REGULATORY_FACTS:
            out.append(
                (("facts", "regulations", i), f"unknown regulatory fact '{fact_id}'; known: {', '.join(REGULATORY_FACTS)}")
            )
    for i, term in enumerate(sc.facts.definitions):
        if term not in glossary().by_term:
            out.append((("facts", "definitions", i), f"'{term}' is not a glossary term"))
    for nid, node in nodes.items():
        if node.ending and node.next:
            out.append((("nodes", nid, "next"), "an ending node cannot have 'next' edges"))
        if not node.ending:
            if not node.model_answer.strip():
                out.append((("nodes", nid), "model_answer is missing: say what a strong reply to this line is"))
            if not node.next:
                out.append((("nodes", nid), "dead end: a node that is not an ending needs 'next' edges"))
            elif node.next[-1].when is not None:
                out.append(
                    (
                        ("nodes", nid, "next", len(node.next) - 1),
                        "dead end: the last edge needs no 'when', so some edge is always taken",
                    )
                )
        for k, line in enumerate(node.say):
            if line.id in line_ids:
                out.append((("nodes", nid, "say", k, "id"), f"line id '{line.id}' is also used in node '{line_ids[line.id]}'"))
            line_ids[line.id] = nid
        for k, edge in enumerate(node.next):
            if edge.goto not in nodes:
                out.append((("nodes", nid, "next", k, "goto"), f"goes to '{edge.goto}', which is not a node"))
            if edge.when:
                for field in ("moves_any", "moves_all", "moves_none"):
                    for j, move in enumerate(getattr(edge.when, field)):
                        if not known_move(move):
                            out.append((("nodes", nid, "next", k, "when", field, j), f"unknown move '{move}'"))

    out += check_texts(sc)

    if out:  # graph walks below assume the edges point at real nodes
        return out
    endings = {nid for nid, n in nodes.items() if n.ending}
    if not endings:
        out.append((("nodes",), "no ending: at least one node needs 'ending'"))
    if sc.mood.hang_up_below is not None and not any(nodes[e].ending == "hung_up" for e in endings):
        out.append((("mood", "hang_up_below"), "set, but no node has 'ending: hung_up'"))
    reachable = _reach(sc.start, neighbours=lambda n: [e.goto for e in nodes[n].next])
    for nid in nodes:
        if nid not in reachable:
            out.append((("nodes", nid), f"unreachable: no path from start '{sc.start}' leads here"))
    incoming: dict[str, list[str]] = {n: [] for n in nodes}
    for nid, node in nodes.items():
        for e in node.next:
            incoming[e.goto].append(nid)
    can_end = _reach(*endings, neighbours=lambda n: incoming[n]) if endings else set()
    for nid in nodes:
        if nid in reachable and nid not in can_end:
            out.append((("nodes", nid), "loops forever: no path from here reaches an ending"))
    return out


def check_texts(sc: Scenario) -> list[Finding]:
    """Every text in the file (found field by field, so a new field is never missed) uses only {name}
    placeholders of declared variables, and cannot grow past MAX_FILLED_CHARS when they are filled."""
    out: list[Finding] = []
    for name in sc.variables:
        if not NAME_PATTERN.fullmatch(name):
            out.append(
                (
                    ("variables", name),
                    f"variable name '{name}' must be letters, digits and '_', "
                    "not starting with a digit, so it can be written as {name}",
                )
            )
    longest = {name: longest_value(var) for name, var in sc.variables.items()}
    for loc, text in texts_of(sc):
        if loc[0] == "variables":  # choices are values, checked by the schema (no braces at all)
            continue
        mistakes = template_mistakes(text, sc.variables, MISTAKES_PER_TEXT)
        out += [(loc, m) for m in mistakes]
        if not mistakes and len(text) + sum(longest[n] for n in placeholders(text)) > MAX_FILLED_CHARS:
            out.append(
                (
                    loc,
                    f"with its placeholders filled this text can be longer than {MAX_FILLED_CHARS:,} "
                    "characters; shorten it or the choices it uses",
                )
            )
    return out


def _reach(*starts: str, neighbours: Callable[[str], Iterable[str]]) -> set[str]:
    seen, stack = set(starts), list(starts)
    while stack:
        for nxt in neighbours(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
