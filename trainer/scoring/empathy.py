"""Empathy: did the reply hear the patient (EPITOME, NURSE, H.E.A.R.T., AIDET) and avoid costs?"""

from __future__ import annotations

import re

from .context import ScoreContext
from .gaming import SUBSTANCE
from .ledger import Ledger
from .moves import Hits

STOCK_CAP = 55  # stock phrases that could follow any line score no higher than a plain courteous answer

_CONTENT = re.compile(r"[a-z]{5,}")
_STOP = frozenset(
    """about after again being could doesn't don't every their there these thing think those
  through today would which while where really something anything right still going getting called
  calling saying never always bill bills because pay paid money payment""".split()
)

COSTS = {
    "blamed": "blames the patient",
    "dismissed": "dismisses or minimises the concern",
    "threatened": "threatens the patient",
    "sarcasm": "sounds sarcastic or talks down",
}


def score_empathy(text: str, hits: Hits, cues: set[str], ctx: ScoreContext) -> Ledger:
    led = Ledger("empathy")
    felt = bool(cues & {"emotion", "hardship", "dispute"})
    cost_hit = False
    for move, reason in COSTS.items():
        if move in hits:
            cost_hit = True
            led.hit(move, reason, hits[move], sub="costs")
    if "minimised" in hits and felt:
        led.hit("minimised", "'just' / 'only' can make the worry sound small", hits["minimised"], sub="costs")

    kind = False  # did the reply answer the feeling at all
    if "acknowledged_feeling" in hits:
        kind = True
        led.hit(
            "acknowledged_feeling",
            "names or validates the patient's feeling (NURSE: Name, Understand)",
            hits["acknowledged_feeling"],
            sub="emotional_reaction",
        )
    elif "generic_empathy" in hits:
        kind = True
        led.hit("generic_empathy", "acknowledges, but in general words", hits["generic_empathy"], sub="emotional_reaction")
    if "apologized" in hits and "sarcasm" not in hits:
        kind = True
        led.hit("apologized", "apologises or takes ownership (H.E.A.R.T.)", hits["apologized"], sub="apology")
    if "explored" in hits:
        led.hit("explored", "asks about the patient's situation (EPITOME: exploration)", hits["explored"], sub="exploration")
    overlap = _echo(text, ctx.patient_line)
    if "reflected" in hits:  # interpretation is credited once, however it is shown
        led.hit(
            "reflected",
            "puts the patient's situation back in its own words (EPITOME: interpretation)",
            hits["reflected"],
            sub="interpretation",
        )
    elif len({text[s:e].lower() for s, e in overlap}) >= 2:  # one repeated word is an echo, not a reflection
        led.hit("echo", "refers back to what the patient said (EPITOME: interpretation)", overlap, sub="interpretation")
    if "support" in hits:
        kind = True
        led.hit("support", "offers partnership or help (NURSE: Support)", hits["support"])
    if "respect" in hits or "thanked" in hits:
        led.hit(
            "respect",
            "thanks or respects the patient (NURSE: Respect; H.E.A.R.T.: Thank)",
            hits.get("respect") or hits["thanked"],
        )
    if ctx.state.first_turn and "introduced" in hits:
        led.hit("introduced", "introduces self and department (AIDET)", hits["introduced"], sub="aidet")

    if felt and not kind:
        led.hit("unacknowledged", "the patient voiced a worry and the reply did not acknowledge it", sub="emotional_reaction")
    if "asked_payment" in hits and felt and not kind:
        led.hit("payment_past_worry", "jumps to payment past the patient's stated worry", hits["asked_payment"], sub="costs")
    if cost_hit:
        led.cap(55, "warm words do not undo blame, dismissal, threats or sarcasm")
    if not overlap and "reflected" not in hits and not any(m in hits for m in SUBSTANCE):
        led.cap(STOCK_CAP, "warm words only: nothing in the reply answers this patient's line")
    if len(text.split()) < 4:
        led.cap(30, "too short to show the patient they were heard")

    if cost_hit:
        led.suggest(9, "Drop the blame or pressure; say what you can do: 'Let's look at this together.'")
    elif felt and "acknowledged_feeling" not in hits:
        led.suggest(8, "Name the feeling you hear before the facts: 'That sounds really stressful.'")
    elif "explored" not in hits:
        led.suggest(5, "Ask one open question about their situation: 'What worries you most about this bill?'")
    elif "support" not in hits:
        led.suggest(4, "Offer partnership: 'Let's work out a plan together.'")
    # With no feeling to answer, empathy counts only when the reply costs something (blame, sarcasm …).
    led.applicable = felt or ctx.state.first_turn or any(e.points < 0 for e in led.evidence)
    return led


def _echo(reply: str, patient_line: str) -> list[tuple[int, int]]:
    """Spans of the reply that reuse the patient's own content words."""
    theirs = {w for w in _CONTENT.findall(patient_line.lower()) if w not in _STOP}
    if not theirs:
        return []
    return [(m.start(), m.end()) for m in _CONTENT.finditer(reply.lower()) if m.group(0) in theirs][:3]
