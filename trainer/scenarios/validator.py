"""Checks a schema-valid scenario as a graph: every node reachable, every path ends."""
from __future__ import annotations

import string

from ..domain import MOVES
from ..glossary import glossary
from ..scoring.regulatory_facts import REGULATORY_FACTS
from ..scoring.rules import RULES
from .schema import Scenario

Finding = tuple[tuple, str]  # (path into the file, message)


def known_move(move: str) -> bool:
    if move.startswith("explained:"):
        return move.split(":", 1)[1] in glossary().by_term
    return move in MOVES


def placeholders(text: str) -> list[str]:
    try:
        return [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return ["{"]  # an unbalanced brace


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
            out.append((("facts", "regulations", i), f"unknown regulatory fact '{fact_id}'; known: {', '.join(REGULATORY_FACTS)}"))
    for i, term in enumerate(sc.facts.definitions):
        if term not in glossary().by_term:
            out.append((("facts", "definitions", i), f"'{term}' is not a glossary term"))
    # every text a trainee or a language model sees is checked for unfilled placeholders
    persona = sc.persona
    texts: list[tuple[tuple, str]] = [(("persona", f), getattr(persona, f)) for f in ("name", "situation", "temperament")]
    texts += [(("persona", "hidden_concerns", i, "text"), c.text) for i, c in enumerate(persona.hidden_concerns)]
    texts += [(("title",), sc.title), (("summary",), sc.summary)]
    texts += [(("objectives", i), o) for i, o in enumerate(sc.objectives)]
    texts += [(("account", k), v) for k, v in sc.account.items() if isinstance(v, str)]
    texts += [(("facts", "amounts", k), v) for k, v in sc.facts.amounts.items() if isinstance(v, str)]
    for nid, node in nodes.items():
        if node.ending and node.next:
            out.append((("nodes", nid, "next"), "an ending node cannot have 'next' edges"))
        if not node.ending:
            if not node.model_answer.strip():
                out.append((("nodes", nid), "model_answer is missing: say what a strong reply to this line is"))
            if not node.next:
                out.append((("nodes", nid), "dead end: a node that is not an ending needs 'next' edges"))
            elif node.next[-1].when is not None:
                out.append((("nodes", nid, "next", len(node.next) - 1),
                            "dead end: the last edge needs no 'when', so some edge is always taken"))
        for k, line in enumerate(node.say):
            if line.id in line_ids:
                out.append((("nodes", nid, "say", k, "id"), f"line id '{line.id}' is also used in node '{line_ids[line.id]}'"))
            line_ids[line.id] = nid
            texts.append((("nodes", nid, "say", k, "text"), line.text))
        texts.append((("nodes", nid, "model_answer"), node.model_answer))
        texts.append((("nodes", nid, "intent"), node.intent))
        for k, edge in enumerate(node.next):
            if edge.goto not in nodes:
                out.append((("nodes", nid, "next", k, "goto"), f"goes to '{edge.goto}', which is not a node"))
            if edge.when:
                for field in ("moves_any", "moves_all", "moves_none"):
                    for j, move in enumerate(getattr(edge.when, field)):
                        if not known_move(move):
                            out.append((("nodes", nid, "next", k, "when", field, j), f"unknown move '{move}'"))

    for loc, text in texts:
        for name in placeholders(text):
            if name not in sc.variables:
                out.append((loc, f"placeholder '{{{name}}}' is not a declared variable"))

    if out:  # graph walks below assume the edges point at real nodes
        return out
    endings = {nid for nid, n in nodes.items() if n.ending}
    if not endings:
        out.append((("nodes",), "no ending: at least one node needs 'ending'"))
    if sc.mood.hang_up_below is not None and not any(nodes[e].ending == "hung_up" for e in endings):
        out.append((("mood", "hang_up_below"), "set, but no node has 'ending: hung_up'"))
    reachable = _reach(sc.start, lambda n: [e.goto for e in nodes[n].next])
    for nid in nodes:
        if nid not in reachable:
            out.append((("nodes", nid), f"unreachable: no path from start '{sc.start}' leads here"))
    incoming: dict[str, list[str]] = {n: [] for n in nodes}
    for nid, node in nodes.items():
        for e in node.next:
            incoming[e.goto].append(nid)
    can_end = set()
    for e in endings:
        can_end |= _reach(e, lambda n: incoming[n])
    for nid in nodes:
        if nid in reachable and nid not in can_end:
            out.append((("nodes", nid), "loops forever: no path from here reaches an ending"))
    return out


def _reach(start: str, neighbours) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in neighbours(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
