"""Scores and debriefs as plain text, for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .domain import Score
from .verdict import verdict_words

if TYPE_CHECKING:  # the call imports the store; the terminal text only reads it
    from .session import CallSession

BAR = 20


def bar(value: int) -> str:
    filled = round(value / 100 * BAR)
    return "#" * filled + "." * (BAR - filled)


def format_score(score: Score, reply: str, brief: bool = False) -> str:
    if score.empty:
        return "No reply: nothing to score."
    out = []
    for note in score.notices:
        out.append(f"note: {note}")
    for d in score.dimensions():
        shown = f"{d.score:3d}" if d.applicable else "n/a"
        out.append(f"  {d.name:<11} {shown} {bar(d.score if d.applicable else 0)}")
        if not brief:
            out += [f"      {r}" for r in d.reasons]
            out += [f'      · "{reply[e.start : e.end]}" ({e.points:+d}: {e.reason})' for e in d.evidence]
        if d.suggestion:
            out.append(f"      try: {d.suggestion}")
    for b in score.blockers:
        out.append(f"  BLOCKER  {b.title} ({b.source})")
    out.append(f"  overall     {score.overall:3d}    rubric {score.rubric_version}")
    return "\n".join(out)


def replies(n: int) -> str:
    return f"{n} repl{'y' if n == 1 else 'ies'}"


def format_debrief(session: CallSession) -> str:
    summary = session.summary()
    out = ["", "=" * 60, f"Call over: {session.ending or 'you hung up'}  ({replies(len(session.turns))})"]
    for name, value in summary.dimensions.items():
        out.append(f"  {name:<11} {'n/a' if value is None else f'{value:3d}'}")
    out.append(
        f"  overall     {summary.overall:3d}  {'PASSED' if session.passed else verdict_words(session.status, False).lower()}"
    )
    for b in summary.blockers:
        out.append(f"  BLOCKER  {b.title} ({b.source})")
    if session.scenario.persona.hidden_concerns:
        out.append(f"  {concerns_summary(session)}")
    return "\n".join(out)


def concerns_summary(session: CallSession) -> str:
    """What was behind the call, and whether a reply opened the way for it. The patient may not have said it
    yet, so it is told as the scenario's, never quoted as the patient's words."""
    hidden = session.scenario.persona.hidden_concerns
    opened = set(session.revealed_concerns)
    done = [c.text for c in hidden if c.id in opened]
    missed = [c.text for c in hidden if c.id not in opened]
    parts = [f"Behind this call ({len(done)} of {len(hidden)} opened up by your replies):"]
    parts += [f"you made room for it: {t}" for t in done] + [f"not drawn out: {t}" for t in missed]
    return " ".join(parts)
