"""Compliance: each duty checked where the scenario, the call state or the words say it applies.

A breach is a blocker (score 0, the call fails) and names the rule that was broken.
Anything else is graded by severity, after the labelling guide: loose wording or a
partly met duty ("3 of 4"), a missed duty ("2 of 4"), pressure while a duty is missed
("1 of 4"). The patterns live in compliance_patterns.py, threats in threats.py and
what the words say about the call in inference.py.
"""

from __future__ import annotations

import re

from ..domain import Blocker
from . import compliance_patterns as P
from .context import ScoreContext
from .inference import Inferred, infer
from .ledger import Ledger
from .moves import Hits
from .text import find_all, sentence_at
from .compliance_duties import Check, assistance, card_data, emergency, special_duties, spans_of

Spans = list[tuple[int, int]]

# Rules that hold for a role when a context names none (e.g. a corpus line).
DEFAULT_RULES = {
    "hospital_billing": {"hipaa-verify-identity", "hipaa-third-party", "irs-501r-financial-assistance", "nsa-surprise-billing"},
    "physician_office": {"hipaa-verify-identity", "hipaa-third-party", "nsa-surprise-billing"},
    "patient_access": {
        "hipaa-verify-identity",
        "hipaa-third-party",
        "irs-501r-financial-assistance",
        "emtala-screening-first",
        "nsa-good-faith-estimate",
    },
    "collection_agency": {"hipaa-verify-identity", "fdcpa-mini-miranda", "fdcpa-dispute", "fdcpa-third-party"},
}
# Rules that hold on every call, whatever the scenario names: no one may threaten, leak card data or
# disclose to a stranger.
ALWAYS = {"pci-card-data", "fair-dealing", "hipaa-third-party"}


def threat_rule(collector: bool) -> str:
    return "fdcpa-no-threats" if collector else "no-false-threats"


def applicable_rules(ctx: ScoreContext, inf: Inferred, text: str) -> frozenset[str]:
    role = "collection_agency" if inf.collector else ctx.role
    rules = set(ctx.rules) if ctx.rules else set(DEFAULT_RULES.get(role, DEFAULT_RULES["hospital_billing"]))
    rules |= ALWAYS | {threat_rule(inf.collector)}
    if inf.collector:
        rules |= {"fdcpa-third-party", "fdcpa-dispute"}
    if inf.emergency and role != "collection_agency":
        rules.add("emtala-screening-first")
    if inf.self_pay and role != "collection_agency":
        rules.add("nsa-good-faith-estimate")
    if inf.hardship and role != "collection_agency":
        rules.add("irs-501r-financial-assistance")
    if inf.bankruptcy:
        rules.add("bankruptcy-automatic-stay")
    if inf.cease_requested and inf.collector:
        rules.add("fdcpa-cease-communication")
    if inf.qmb:
        rules.add("qmb-billing-prohibition")
    if inf.confidential_request and not inf.collector:
        rules.add("hipaa-confidential-communications")
    if inf.relay:
        rules.add("effective-communication")
    if P.ABN_CUE.search(ctx.patient_line) or P.ABN_CUE.search(text):
        rules.add("medicare-abn")
    if inf.language:
        rules.add("language-access")
    if inf.time_barred and inf.collector:
        rules.add("time-barred-debt")
    return frozenset(rules)


def score_compliance(
    text: str, hits: Hits, cues: set[str], ctx: ScoreContext, inferred: Inferred | None = None
) -> tuple[Ledger, list[Blocker]]:
    inf = inferred or infer(ctx, text)
    rules = applicable_rules(ctx, inf, text)
    c = Check()
    led = c.led
    st = ctx.state
    collector = inf.collector
    asked_pay: Spans = hits.get("asked_payment", [])
    sought: Spans = sorted(
        set(
            asked_pay
            + [
                sp
                for sp in spans_of(P.PAYMENT_SOUGHT, text)  # any money asked for
                if not _theirs(text[sp[0] : sp[1]], ctx.patient_line)
            ]
        )
    )

    disclosed = _disclosures(text, hits, ctx.patient_line)
    if "hipaa-verify-identity" in rules and not st.identity_verified and not inf.third_party_caller:
        if disclosed:
            c.breach("hipaa-verify-identity", disclosed, "account details before the caller's identity is verified")
        elif "verified_identity" in hits:
            c.credit("hipaa-verify-identity", hits["verified_identity"], "asks for identifiers first")
        elif st.first_turn:
            c.fault("loose", "hipaa-verify-identity", "does not yet verify who is calling")
            led.suggest(7, "Verify identity first: 'Before we look at the account, can I have your full name and date of birth?'")

    _third_parties(c, text, hits, ctx, inf, disclosed, rules)
    _collector_duties(c, hits, ctx, inf, disclosed, rules)
    _threats(c, hits, collector, rules)
    _dispute(c, hits, inf, asked_pay, sought)
    emergency(c, text, inf, rules, asked_pay, ctx.patient_line)
    assistance(c, text, hits, ctx, inf, rules, asked_pay)

    if "nsa-good-faith-estimate" in rules and inf.self_pay:
        refused = spans_of(P.GFE_DENIED, text)
        if refused:
            c.breach("nsa-good-faith-estimate", refused, "refuses, puts off or conditions the written good-faith estimate")
        elif "offered_estimate" in hits:
            c.credit("nsa-good-faith-estimate", hits["offered_estimate"], "offers a good-faith estimate")
        elif "cost_question" in cues and not P.HAS_ESTIMATE.search(ctx.patient_line):
            c.fault("missed", "nsa-good-faith-estimate", "self-pay patient asked about cost; no good-faith estimate offered")
            led.suggest(7, "Offer the estimate: 'You'll get a written good-faith estimate before the surgery.'")

    surprise = "surprise_bill" in cues or bool(P.EMERGENCY_OON.search(text))
    if "nsa-surprise-billing" in rules and (surprise or "nsa-surprise-billing" in ctx.rules):
        billed = spans_of(P.BALANCE_BILLED, text)
        owe = spans_of(P.OWE_OON, text)
        if billed:
            c.breach("nsa-surprise-billing", billed, "balance-bills a patient the No Surprises Act protects")
        elif owe:
            c.fault("pressure", "nsa-surprise-billing", "tells a protected patient they owe the out-of-network balance", owe)
        elif "nsa-surprise-billing" in ctx.rules and P.PROTECTED.search(text):
            c.credit("nsa-surprise-billing", spans_of(P.PROTECTED, text), "explains the patient's protection")

    if "language-access" in rules and not st.interpreter_offered:
        family = spans_of(P.FAMILY_INTERPRETER, text) + spans_of(P.INTERPRETER_REFUSED, text)
        if family:
            c.breach("language-access", family, "refuses, charges for or skips a qualified interpreter, or relies on family")
        elif "offered_interpreter" in hits:
            c.credit("language-access", hits["offered_interpreter"], "offers a free interpreter")
        else:
            c.fault("missed", "language-access", "no qualified interpreter offered")
            led.suggest(8, "Offer a free interpreter: 'I can get a Spanish interpreter on the line at no cost to you.'")

    if "medicare-abn" in rules:
        pressure = spans_of(P.ABN_PRESSURE, text)  # "you don't have to sign" is fine
        if pressure:
            c.breach("medicare-abn", pressure, "steers the patient's ABN choice, rushes the signature or signs after the service")
        elif P.ABN_EXPLAINED.search(text):
            c.credit("medicare-abn", spans_of(P.ABN_EXPLAINED, text), "explains the notice and choices")

    card_data(c, text, ctx.patient_line)
    special_duties(c, text, inf, rules, sought)

    tactic = spans_of(P.PRESSURE_TACTIC, text)
    if tactic:
        c.fault(
            "pressure", "fair-dealing", "pressure that is not fair dealing (a deal that vanishes, a bill held until paid)", tactic
        )
    misleading = spans_of(P.MISLEADING, text)
    if misleading:
        if collector:
            c.breach("fdcpa-no-threats", misleading, "a false or misleading statement about the debt")
        else:
            c.fault("pressure", "fair-dealing", "a misleading statement that pushes the patient", misleading)
    elif (
        asked_pay
        and P.URGENCY.search(text)
        and cues & {"emotion", "hardship", "dispute", "question"}
        and not hits.keys() & {"offered_payment_plan", "offered_financial_assistance", "explained_term"}
    ):
        c.fault("loose", "fair-dealing", "pushes for payment now before the patient's question is answered", asked_pay)

    promises = spans_of(P.PROMISE, text)
    if promises and not c.blockers:
        c.fault("loose", "accuracy", "promises an outcome the office cannot guarantee", promises)
    if c.blockers:
        led.cap(0, "a compliance breach fails the call")
    return led, c.blockers


def _third_parties(
    c: Check, text: str, hits: Hits, ctx: ScoreContext, inf: Inferred, disclosed: Spans, rules: frozenset[str]
) -> None:
    """Nothing about the patient to anyone else: now, in the past, health details included."""
    rule = "fdcpa-third-party" if inf.collector else "hipaa-third-party"
    past = spans_of(P.PAST_DISCLOSURE, text)
    if past:
        c.breach(rule, past, "tells of a disclosure to someone who was not authorized")
    if not inf.third_party_caller or rule not in rules:
        return
    leaked = (
        disclosed + _new_amounts(text, hits, ctx.patient_line) + spans_of(P.ABOUT_PATIENT, text) + spans_of(P.HEALTH_DETAIL, text)
    )
    if inf.collector:
        leaked += [s for s in spans_of(P.DEBT_NAMED, text) if not P.AUTH_CHECK.search(text[max(0, s[0] - 40) : s[0]])]
    # "I'd need her permission to discuss her visit" names the visit only to refuse it
    leaked = sorted({sp for sp in leaked if not P.AUTH_CHECK.search(sentence_at(text, *sp))})
    if leaked:
        c.breach(rule, leaked, "account or health details to a caller who is not authorized")
    elif P.AUTH_CHECK.search(text):
        c.credit(rule, spans_of(P.AUTH_CHECK, text), "checks authorization before sharing")
    else:
        c.fault("loose", rule, "does not say what authorization is needed to discuss the account")
        c.led.suggest(
            7,
            "Explain what you need first: 'I can share details once I have the patient's written "
            "authorization or proof you are the personal representative.'",
        )


def _collector_duties(c: Check, hits: Hits, ctx: ScoreContext, inf: Inferred, disclosed: Spans, rules: frozenset[str]) -> None:
    """The mini-Miranda after right-party contact and before the debt is discussed."""
    st = ctx.state
    if not (inf.collector and "fdcpa-mini-miranda" in rules) or st.mini_miranda_given or inf.third_party_caller:
        return
    if "gave_mini_miranda" in hits:
        c.credit("fdcpa-mini-miranda", hits["gave_mini_miranda"], "gives the debt-collector disclosure")
        return
    about_debt = disclosed or hits.get("asked_payment", [])
    if about_debt:
        c.breach("fdcpa-mini-miranda", about_debt, "discusses the debt without the debt-collector disclosure")
    elif st.identity_verified:
        c.fault("missed", "fdcpa-mini-miranda", "right party reached, but no debt-collector disclosure yet")
    if about_debt or st.identity_verified:
        c.led.suggest(
            8,
            "Give the disclosure: 'This is an attempt to collect a debt; any information obtained "
            "will be used for that purpose.'",
        )


def _threats(c: Check, hits: Hits, collector: bool, rules: frozenset[str]) -> None:
    if "threat" in hits:
        legal_time_barred = "time-barred-debt" in rules and hits.get("threat_legal")
        rule = "time-barred-debt" if legal_time_barred else threat_rule(collector)
        c.breach(rule, hits["threat"], "threatens what cannot or will not lawfully happen, or uses it as pressure")
        c.led.suggest(10, "Never threaten. State facts and options: 'Let's find a plan that works so this stays with us.'")
    elif "pressured" in hits:
        c.fault(
            "pressure",
            threat_rule(collector),
            "names a collection step as pressure, without its timing or the options that come first",
            hits["pressured"],
        )
        c.led.suggest(
            8,
            "Say it as a notice, with the options first: 'Nothing happens while we set up a plan or "
            "your application is reviewed.'",
        )


def _dispute(c: Check, hits: Hits, inf: Inferred, asked_pay: Spans, sought: Spans) -> None:
    if not inf.dispute:
        return
    if sought and inf.collector:  # a collector asks for nothing on a disputed debt, not even a "good-faith" payment
        c.breach("fdcpa-dispute", sought, "asks for payment on a debt the consumer disputes")
    elif sought:
        c.fault("pressure", "dispute", "presses for payment while the charges are disputed", sought)
    elif "honoured_dispute" in hits or "offered_itemized_bill" in hits:
        c.credit(
            "fdcpa-dispute",
            hits.get("honoured_dispute") or hits["offered_itemized_bill"],
            "pauses to review the disputed charges",
        )
    elif inf.dispute_now:  # once honoured, a dispute need not be restated in every reply
        c.fault("missed", "dispute", "does not say how the dispute will be reviewed")
    if "honoured_dispute" not in hits or asked_pay:
        c.led.suggest(6, "Honour the dispute: 'I'll put the account on hold and send you an itemized bill to review.'")


def _theirs(span_text: str, patient_line: str) -> bool:
    """An amount the patient said first, said back ("on $980 a month…"): not a request for money."""
    said = {m.group(0) for m in re.finditer(r"\$\s?[\d,]+", patient_line)}
    return span_text.startswith("$") and any(span_text.startswith(a) for a in said)


_AMOUNT = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _number(text: str) -> str:
    """'$1,210.00' and '1210' both become '1210'."""
    digits = re.sub(r"[^\d.]", "", text).rstrip(".")
    return digits[:-3] if digits.endswith(".00") else digits


def _new_amounts(text: str, hits: Hits, patient_line: str) -> list[tuple[int, int]]:
    """Spans of dollar amounts in the reply that the patient did not say first."""
    theirs = {_number(m.group(0)) for m in _AMOUNT.finditer(patient_line)}
    return [
        (s, e)
        for s, e in hits.get("gave_amount", [])  # a percentage explains a benefit: not a detail
        if ("$" in text[s:e] or "dollar" in text[s:e]) and _number(text[s:e]) not in theirs
    ]


def _disclosures(text: str, hits: Hits, patient_line: str) -> list[tuple[int, int]]:
    """Account details in the reply that the patient did not say first."""
    spans = find_all(P.ACCOUNT, text, allow_negated=False)  # "I can't discuss his account" discloses nothing
    for s, e in _new_amounts(text, hits, patient_line):
        if P.ACCOUNT_SENTENCE.search(sentence_at(text, s, e)):  # "stress tests usually run $900" is a general price
            spans.append((s, e))
    return sorted(spans)
