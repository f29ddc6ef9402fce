"""The duties a reply can meet or breach beyond the everyday ones: an emergency before payment, financial
assistance, card data read aloud, and the special cases (bankruptcy, a request to stop, Medicare QMB,
confidential addresses, relay calls, time-barred debts, interpreters). Each records into a Check."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..domain import Blocker, Evidence
from . import compliance_patterns as P
from .context import ScoreContext
from .inference import Inferred
from .ledger import Ledger
from .moves import Hits
from .rules import RULES
from .text import find_all, sentence_at

Spans = list[tuple[int, int]]


def spans_of(pattern: re.Pattern[str], text: str) -> Spans:
    """Matches that no negation in their clause cancels ("I'd never read your card back" reads nothing back)."""
    return find_all(pattern, text, allow_negated=False)


class Check:
    """One reply's compliance ledger and blockers, with the three ways of recording a finding."""

    def __init__(self) -> None:
        self.led = Ledger("compliance")
        self.blockers: list[Blocker] = []

    def breach(self, rule_id: str, spans: Spans, reason: str) -> None:
        if any(b.rule_id == rule_id for b in self.blockers):
            return
        rule = RULES[rule_id]
        s, e = spans[0] if spans else (0, 0)
        self.blockers.append(Blocker(rule_id, rule.title, rule.source, s, e))
        self.led.reasons.append(f"BLOCKER: {reason} ({rule.source})")
        self.led.evidence += [Evidence(a, b, "compliance", -100, f"breach: {reason}") for a, b in spans[:3]]

    def credit(self, rule_id: str, spans: Spans, reason: str) -> None:
        self.led.hit("credit", f"meets '{RULES[rule_id].title}': {reason}", spans, sub=rule_id)

    def fault(self, severity: str, rule_id: str, reason: str, spans: Sequence[tuple[int, int]] = ()) -> None:
        self.led.hit(severity, reason, spans, sub=rule_id)


def emergency(c: Check, text: str, inf: Inferred, rules: frozenset[str], asked_pay: Spans, ctx_line: str) -> None:
    if "emtala-screening-first" not in rules or not inf.emergency:
        return
    # raising money unasked delays care; answering a patient who asks about cost does not, unless it deters
    asked_about_money = bool(P.MONEY_WORDS.search(ctx_line))
    money_first = (
        []
        if asked_about_money
        else [
            sp
            for sp in spans_of(P.MONEY_TALK, text)
            if not P.AFTER_CARE.search(sentence_at(text, *sp)) and not P.THEIR_WORRY.search(text[max(0, sp[0] - 30) : sp[0]])
        ]
    )
    delay = asked_pay + money_first + spans_of(P.PAY_BEFORE_CARE, text) + spans_of(P.ED_DETERRENT, text)
    if delay:
        c.breach(
            "emtala-screening-first",
            sorted(set(delay)),
            "payment, insurance or paperwork before the medical screening, or steering the patient away",
        )
    elif P.SCREEN_FIRST.search(text):
        c.credit("emtala-screening-first", spans_of(P.SCREEN_FIRST, text), "reassures that care comes before cost")
    if not P.SCREEN_FIRST.search(text):
        c.led.suggest(9, "Reassure first: 'You'll be seen by a doctor no matter what; we can talk about cost after.'")


def assistance(
    c: Check, text: str, hits: Hits, ctx: ScoreContext, inf: Inferred, rules: frozenset[str], asked_pay: Spans
) -> None:
    denied = spans_of(P.ASSISTANCE_DENIED, text)
    conditional = spans_of(P.ASSISTANCE_CONDITIONAL, text)
    if denied or conditional:
        c.breach(
            "irs-501r-financial-assistance",
            denied + conditional,
            "denies financial assistance without screening, or puts it behind a payment",
        )
        return
    if not inf.hardship or ctx.state.assistance_offered or "irs-501r-financial-assistance" not in rules:
        return
    if "offered_financial_assistance" in hits:
        c.credit("irs-501r-financial-assistance", hits["offered_financial_assistance"], "offers financial assistance")
        return
    if asked_pay:
        c.fault(
            "pressure",
            "irs-501r-financial-assistance",
            "presses for payment after hardship without offering assistance",
            asked_pay,
        )
    else:
        c.fault("missed", "irs-501r-financial-assistance", "hardship voiced, financial assistance not offered")
    c.led.suggest(
        8, "Offer help: 'We have a financial assistance program; based on your income it could lower or erase this bill.'"
    )


def card_data(c: Check, text: str, patient_line: str) -> None:
    """Card data asked aloud, read back, written down or kept; a patient reading digits must be stopped;
    recurring debits need written authorization."""
    if P.CARD_READ_ALOUD.search(patient_line) and not P.CARD_STOPPED.search(text):
        c.breach("pci-card-data", [(0, min(len(text), 40))], "lets the patient read card data aloud on a recorded line")
    autopay = [sp for sp in spans_of(P.AUTOPAY, text) if not P.STOPPING.search(text[max(0, sp[0] - 30) : sp[0]])]
    if autopay and not spans_of(P.AUTHORIZED, text):
        c.breach(
            "reg-e-preauthorized-transfers", autopay, "sets up recurring debits or reuses a card without written authorization"
        )
    leak = spans_of(P.CARD_DIGITS, text) + spans_of(P.CARD_KEPT, text)
    asked = [
        s
        for s in spans_of(P.CARD_ASKED, text)
        if not P.SECURE_PAYMENT.search(sentence_at(text, *s)) or P.SECURE_FAILED.search(sentence_at(text, *s))
    ]
    if leak or asked:
        c.breach(
            "pci-card-data", sorted(leak + asked), "card number or security code asked aloud, read back, written down or kept"
        )
        c.led.suggest(9, "Keep card data off the call: 'I'll transfer you to our secure payment line to key in your card.'")


def special_duties(c: Check, text: str, inf: Inferred, rules: frozenset[str], sought: Spans) -> None:
    """Duties a few situations bring: bankruptcy, a cease request, a QMB, confidential mail, relay calls, estates."""
    family = spans_of(P.FAMILY_LIABILITY, text)
    if family:  # a false claim about who owes: FDCPA 1692e for a collector, fair dealing for a provider
        c.breach(
            "fdcpa-no-threats" if inf.collector else "fair-dealing", family, "tells a relative they owe another person's debt"
        )
    if "bankruptcy-automatic-stay" in rules:
        going_on = sought + spans_of(P.KEEP_CALLING, text)
        if going_on:
            c.breach("bankruptcy-automatic-stay", sorted(set(going_on)), "goes on collecting after a bankruptcy filing")
    if "fdcpa-cease-communication" in rules:
        keep = spans_of(P.KEEP_CALLING, text) + sought
        if keep:
            c.breach("fdcpa-cease-communication", keep, "keeps contacting or collecting after being told to stop")
        elif P.STOP_CALLING.search(text):
            c.credit("fdcpa-cease-communication", spans_of(P.STOP_CALLING, text), "honours the request to stop contact")
    frequent = spans_of(P.CALL_OFTEN, text)
    if frequent and inf.collector:
        c.breach("reg-f-call-frequency", frequent, "promises calls at a harassing frequency")
    if "qmb-billing-prohibition" in rules:
        billed = spans_of(P.QMB_BILLED, text) + sought
        if billed:
            c.breach("qmb-billing-prohibition", billed, "asks a Qualified Medicare Beneficiary for Medicare cost sharing")
    if "hipaa-confidential-communications" in rules:
        refused = spans_of(P.CONFIDENTIAL_REFUSED, text)
        if refused:
            c.breach("hipaa-confidential-communications", refused, "refuses or questions a confidential-communications request")
    if "effective-communication" in rules:
        refused = spans_of(P.RELAY_REFUSED, text)
        if refused:
            c.breach("effective-communication", refused, "turns away a relay call or asks for a family member to interpret")
