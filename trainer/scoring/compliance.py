"""Compliance: each duty checked where the scenario, the call state or the words say it applies.

A breach is a blocker (score 0, the call fails) and names the rule that was broken.
Anything else is graded by severity, after the labelling guide: loose wording or a
partly met duty ("3 of 4"), a missed duty ("2 of 4"), pressure while a duty is missed
("1 of 4"). The patterns live in compliance_patterns.py, threats in threats.py and
what the words say about the call in inference.py.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..domain import Blocker, Evidence
from . import compliance_patterns as P
from .context import ScoreContext
from .inference import Inferred, infer
from .ledger import Ledger
from .moves import Hits
from .rules import RULES
from .text import find_all, sentence_at

Spans = list[tuple[int, int]]

# Rules that hold for a role when a context names none (e.g. a corpus line).
DEFAULT_RULES = {
    "hospital_billing": {"hipaa-verify-identity", "hipaa-third-party", "irs-501r-financial-assistance", "nsa-surprise-billing"},
    "physician_office": {"hipaa-verify-identity", "hipaa-third-party", "nsa-surprise-billing"},
    "patient_access": {"hipaa-verify-identity", "hipaa-third-party", "irs-501r-financial-assistance",
                       "emtala-screening-first", "nsa-good-faith-estimate"},
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


def _spans(pattern: re.Pattern[str], text: str) -> Spans:
    """Matches that no negation in their clause cancels ("I'd never read your card back" reads nothing back)."""
    return find_all(pattern, text, allow_negated=False)


class _Check:
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


def score_compliance(text: str, hits: Hits, cues: set[str], ctx: ScoreContext,
                     inferred: Inferred | None = None) -> tuple[Ledger, list[Blocker]]:
    inf = inferred or infer(ctx, text)
    rules = applicable_rules(ctx, inf, text)
    c = _Check()
    led = c.led
    st = ctx.state
    collector = inf.collector
    asked_pay: Spans = hits.get("asked_payment", [])
    sought: Spans = sorted(set(asked_pay + [sp for sp in _spans(P.PAYMENT_SOUGHT, text)  # any money asked for
                                            if not _theirs(text[sp[0]:sp[1]], ctx.patient_line)]))

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
    _emergency(c, text, inf, rules, asked_pay, ctx.patient_line)
    _assistance(c, text, hits, ctx, inf, rules, asked_pay)

    if "nsa-good-faith-estimate" in rules and inf.self_pay:
        refused = _spans(P.GFE_DENIED, text)
        if refused:
            c.breach("nsa-good-faith-estimate", refused, "refuses, puts off or conditions the written good-faith estimate")
        elif "offered_estimate" in hits:
            c.credit("nsa-good-faith-estimate", hits["offered_estimate"], "offers a good-faith estimate")
        elif "cost_question" in cues and not P.HAS_ESTIMATE.search(ctx.patient_line):
            c.fault("missed", "nsa-good-faith-estimate", "self-pay patient asked about cost; no good-faith estimate offered")
            led.suggest(7, "Offer the estimate: 'You'll get a written good-faith estimate before the surgery.'")

    surprise = "surprise_bill" in cues or bool(P.EMERGENCY_OON.search(text))
    if "nsa-surprise-billing" in rules and (surprise or "nsa-surprise-billing" in ctx.rules):
        billed = _spans(P.BALANCE_BILLED, text)
        owe = _spans(P.OWE_OON, text)
        if billed:
            c.breach("nsa-surprise-billing", billed, "balance-bills a patient the No Surprises Act protects")
        elif owe:
            c.fault("pressure", "nsa-surprise-billing", "tells a protected patient they owe the out-of-network balance", owe)
        elif "nsa-surprise-billing" in ctx.rules and P.PROTECTED.search(text):
            c.credit("nsa-surprise-billing", _spans(P.PROTECTED, text), "explains the patient's protection")

    if "language-access" in rules and not st.interpreter_offered:
        family = _spans(P.FAMILY_INTERPRETER, text) + _spans(P.INTERPRETER_REFUSED, text)
        if family:
            c.breach("language-access", family, "refuses, charges for or skips a qualified interpreter, or relies on family")
        elif "offered_interpreter" in hits:
            c.credit("language-access", hits["offered_interpreter"], "offers a free interpreter")
        else:
            c.fault("missed", "language-access", "no qualified interpreter offered")
            led.suggest(8, "Offer a free interpreter: 'I can get a Spanish interpreter on the line at no cost to you.'")

    if "medicare-abn" in rules:
        pressure = _spans(P.ABN_PRESSURE, text)  # "you don't have to sign" is fine
        if pressure:
            c.breach("medicare-abn", pressure, "steers the patient's ABN choice, rushes the signature or signs after the service")
        elif P.ABN_EXPLAINED.search(text):
            c.credit("medicare-abn", _spans(P.ABN_EXPLAINED, text), "explains the notice and choices")

    _card_data(c, text, ctx.patient_line)
    _special_duties(c, text, inf, rules, sought)

    tactic = _spans(P.PRESSURE_TACTIC, text)
    if tactic:
        c.fault("pressure", "fair-dealing", "pressure that is not fair dealing (a deal that vanishes, a bill held until paid)", tactic)
    misleading = _spans(P.MISLEADING, text)
    if misleading:
        if collector:
            c.breach("fdcpa-no-threats", misleading, "a false or misleading statement about the debt")
        else:
            c.fault("pressure", "fair-dealing", "a misleading statement that pushes the patient", misleading)
    elif asked_pay and P.URGENCY.search(text) and cues & {"emotion", "hardship", "dispute", "question"} \
            and not hits.keys() & {"offered_payment_plan", "offered_financial_assistance", "explained_term"}:
        c.fault("loose", "fair-dealing", "pushes for payment now before the patient's question is answered", asked_pay)

    promises = _spans(P.PROMISE, text)
    if promises and not c.blockers:
        c.fault("loose", "accuracy", "promises an outcome the office cannot guarantee", promises)
    if c.blockers:
        led.cap(0, "a compliance breach fails the call")
    return led, c.blockers


def _third_parties(c: _Check, text: str, hits: Hits, ctx: ScoreContext, inf: Inferred, disclosed: Spans,
                   rules: frozenset[str]) -> None:
    """Nothing about the patient to anyone else: now, in the past, health details included."""
    rule = "fdcpa-third-party" if inf.collector else "hipaa-third-party"
    past = _spans(P.PAST_DISCLOSURE, text)
    if past:
        c.breach(rule, past, "tells of a disclosure to someone who was not authorized")
    if not inf.third_party_caller or rule not in rules:
        return
    leaked = disclosed + _new_amounts(text, hits, ctx.patient_line) + _spans(P.ABOUT_PATIENT, text) \
        + _spans(P.HEALTH_DETAIL, text)
    if inf.collector:
        leaked += [s for s in _spans(P.DEBT_NAMED, text) if not P.AUTH_CHECK.search(text[max(0, s[0] - 40):s[0]])]
    # "I'd need her permission to discuss her visit" names the visit only to refuse it
    leaked = sorted({sp for sp in leaked if not P.AUTH_CHECK.search(sentence_at(text, *sp))})
    if leaked:
        c.breach(rule, leaked, "account or health details to a caller who is not authorized")
    elif P.AUTH_CHECK.search(text):
        c.credit(rule, _spans(P.AUTH_CHECK, text), "checks authorization before sharing")
    else:
        c.fault("loose", rule, "does not say what authorization is needed to discuss the account")
        c.led.suggest(7, "Explain what you need first: 'I can share details once I have the patient's written "
                         "authorization or proof you are the personal representative.'")


def _collector_duties(c: _Check, hits: Hits, ctx: ScoreContext, inf: Inferred, disclosed: Spans,
                      rules: frozenset[str]) -> None:
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
        c.led.suggest(8, "Give the disclosure: 'This is an attempt to collect a debt; any information obtained "
                         "will be used for that purpose.'")


def _threats(c: _Check, hits: Hits, collector: bool, rules: frozenset[str]) -> None:
    if "threat" in hits:
        legal_time_barred = "time-barred-debt" in rules and hits.get("threat_legal")
        rule = "time-barred-debt" if legal_time_barred else threat_rule(collector)
        c.breach(rule, hits["threat"], "threatens what cannot or will not lawfully happen, or uses it as pressure")
        c.led.suggest(10, "Never threaten. State facts and options: 'Let's find a plan that works so this stays with us.'")
    elif "pressured" in hits:
        c.fault("pressure", threat_rule(collector), "names a collection step as pressure, without its timing or the "
                "options that come first", hits["pressured"])
        c.led.suggest(8, "Say it as a notice, with the options first: 'Nothing happens while we set up a plan or "
                         "your application is reviewed.'")


def _dispute(c: _Check, hits: Hits, inf: Inferred, asked_pay: Spans, sought: Spans) -> None:
    if not inf.dispute:
        return
    if sought and inf.collector:  # a collector asks for nothing on a disputed debt, not even a "good-faith" payment
        c.breach("fdcpa-dispute", sought, "asks for payment on a debt the consumer disputes")
    elif sought:
        c.fault("pressure", "dispute", "presses for payment while the charges are disputed", sought)
    elif "honoured_dispute" in hits or "offered_itemized_bill" in hits:
        c.credit("fdcpa-dispute", hits.get("honoured_dispute") or hits["offered_itemized_bill"],
                 "pauses to review the disputed charges")
    elif inf.dispute_now:  # once honoured, a dispute need not be restated in every reply
        c.fault("missed", "dispute", "does not say how the dispute will be reviewed")
    if "honoured_dispute" not in hits or asked_pay:
        c.led.suggest(6, "Honour the dispute: 'I'll put the account on hold and send you an itemized bill to review.'")


def _emergency(c: _Check, text: str, inf: Inferred, rules: frozenset[str], asked_pay: Spans,
               ctx_line: str) -> None:
    if "emtala-screening-first" not in rules or not inf.emergency:
        return
    # raising money unasked delays care; answering a patient who asks about cost does not, unless it deters
    asked_about_money = bool(P.MONEY_WORDS.search(ctx_line))
    money_first = [] if asked_about_money else [
        sp for sp in _spans(P.MONEY_TALK, text) if not P.AFTER_CARE.search(sentence_at(text, *sp))
        and not P.THEIR_WORRY.search(text[max(0, sp[0] - 30):sp[0]])]
    delay = asked_pay + money_first + _spans(P.PAY_BEFORE_CARE, text) + _spans(P.ED_DETERRENT, text)
    if delay:
        c.breach("emtala-screening-first", sorted(set(delay)),
                 "payment, insurance or paperwork before the medical screening, or steering the patient away")
    elif P.SCREEN_FIRST.search(text):
        c.credit("emtala-screening-first", _spans(P.SCREEN_FIRST, text), "reassures that care comes before cost")
    if not P.SCREEN_FIRST.search(text):
        c.led.suggest(9, "Reassure first: 'You'll be seen by a doctor no matter what; we can talk about cost after.'")


def _assistance(c: _Check, text: str, hits: Hits, ctx: ScoreContext, inf: Inferred, rules: frozenset[str],
                asked_pay: Spans) -> None:
    denied = _spans(P.ASSISTANCE_DENIED, text)
    conditional = _spans(P.ASSISTANCE_CONDITIONAL, text)
    if denied or conditional:
        c.breach("irs-501r-financial-assistance", denied + conditional,
                 "denies financial assistance without screening, or puts it behind a payment")
        return
    if not inf.hardship or ctx.state.assistance_offered or "irs-501r-financial-assistance" not in rules:
        return
    if "offered_financial_assistance" in hits:
        c.credit("irs-501r-financial-assistance", hits["offered_financial_assistance"], "offers financial assistance")
        return
    if asked_pay:
        c.fault("pressure", "irs-501r-financial-assistance", "presses for payment after hardship without offering assistance",
                asked_pay)
    else:
        c.fault("missed", "irs-501r-financial-assistance", "hardship voiced, financial assistance not offered")
    c.led.suggest(8, "Offer help: 'We have a financial assistance program; based on your income it could lower or erase this bill.'")


def _card_data(c: _Check, text: str, patient_line: str) -> None:
    """Card data asked aloud, read back, written down or kept; a patient reading digits must be stopped;
    recurring debits need written authorization."""
    if P.CARD_READ_ALOUD.search(patient_line) and not P.CARD_STOPPED.search(text):
        c.breach("pci-card-data", [(0, min(len(text), 40))], "lets the patient read card data aloud on a recorded line")
    autopay = [sp for sp in _spans(P.AUTOPAY, text) if not P.STOPPING.search(text[max(0, sp[0] - 30):sp[0]])]
    if autopay and not _spans(P.AUTHORIZED, text):
        c.breach("reg-e-preauthorized-transfers", autopay, "sets up recurring debits or reuses a card without written authorization")
    leak = _spans(P.CARD_DIGITS, text) + _spans(P.CARD_KEPT, text)
    asked = [s for s in _spans(P.CARD_ASKED, text) if not P.SECURE_PAYMENT.search(sentence_at(text, *s))
             or P.SECURE_FAILED.search(sentence_at(text, *s))]
    if leak or asked:
        c.breach("pci-card-data", sorted(leak + asked), "card number or security code asked aloud, read back, written down or kept")
        c.led.suggest(9, "Keep card data off the call: 'I'll transfer you to our secure payment line to key in your card.'")


def _special_duties(c: _Check, text: str, inf: Inferred, rules: frozenset[str], sought: Spans) -> None:
    """Duties a few situations bring: bankruptcy, a cease request, a QMB, confidential mail, relay calls, estates."""
    family = _spans(P.FAMILY_LIABILITY, text)
    if family:  # a false claim about who owes: FDCPA 1692e for a collector, fair dealing for a provider
        c.breach("fdcpa-no-threats" if inf.collector else "fair-dealing", family,
                 "tells a relative they owe another person's debt")
    if "bankruptcy-automatic-stay" in rules:
        going_on = sought + _spans(P.KEEP_CALLING, text)
        if going_on:
            c.breach("bankruptcy-automatic-stay", sorted(set(going_on)), "goes on collecting after a bankruptcy filing")
    if "fdcpa-cease-communication" in rules:
        keep = _spans(P.KEEP_CALLING, text) + sought
        if keep:
            c.breach("fdcpa-cease-communication", keep, "keeps contacting or collecting after being told to stop")
        elif P.STOP_CALLING.search(text):
            c.credit("fdcpa-cease-communication", _spans(P.STOP_CALLING, text), "honours the request to stop contact")
    frequent = _spans(P.CALL_OFTEN, text)
    if frequent and inf.collector:
        c.breach("reg-f-call-frequency", frequent, "promises calls at a harassing frequency")
    if "qmb-billing-prohibition" in rules:
        billed = _spans(P.QMB_BILLED, text) + sought
        if billed:
            c.breach("qmb-billing-prohibition", billed, "asks a Qualified Medicare Beneficiary for Medicare cost sharing")
    if "hipaa-confidential-communications" in rules:
        refused = _spans(P.CONFIDENTIAL_REFUSED, text)
        if refused:
            c.breach("hipaa-confidential-communications", refused, "refuses or questions a confidential-communications request")
    if "effective-communication" in rules:
        refused = _spans(P.RELAY_REFUSED, text)
        if refused:
            c.breach("effective-communication", refused, "turns away a relay call or asks for a family member to interpret")


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
    return [(s, e) for s, e in hits.get("gave_amount", [])  # a percentage explains a benefit: not a detail
            if ("$" in text[s:e] or "dollar" in text[s:e]) and _number(text[s:e]) not in theirs]


def _disclosures(text: str, hits: Hits, patient_line: str) -> list[tuple[int, int]]:
    """Account details in the reply that the patient did not say first."""
    spans = find_all(P.ACCOUNT, text, allow_negated=False)  # "I can't discuss his account" discloses nothing
    for s, e in _new_amounts(text, hits, patient_line):
        if P.ACCOUNT_SENTENCE.search(sentence_at(text, s, e)):  # "stress tests usually run $900" is a general price
            spans.append((s, e))
    return sorted(spans)
