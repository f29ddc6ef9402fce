"""Compliance: each named rule checked only where the scenario and call state say it applies.

A breach is a blocker (score 0, the call fails). Anything else is graded by
severity, after the labelling guide: loose wording or a partly met duty ("3 of
4"), a missed duty ("2 of 4"), pressure while a duty is missed ("1 of 4").
"""
from __future__ import annotations

import re

from ..domain import Blocker, Evidence
from .context import ScoreContext
from .ledger import Ledger
from .rules import RULES
from .text import find_all, rx


# Rules that hold for a role when a context names none (e.g. a corpus line).
DEFAULT_RULES = {
    "hospital_billing": {"hipaa-verify-identity", "hipaa-third-party", "irs-501r-financial-assistance", "pci-card-data",
                         "nsa-surprise-billing"},
    "physician_office": {"hipaa-verify-identity", "hipaa-third-party", "pci-card-data", "nsa-surprise-billing"},
    "patient_access": {"hipaa-verify-identity", "hipaa-third-party", "irs-501r-financial-assistance", "pci-card-data",
                       "emtala-screening-first", "nsa-good-faith-estimate"},
    "collection_agency": {"hipaa-verify-identity", "hipaa-third-party", "fdcpa-mini-miranda", "fdcpa-no-threats",
                          "fdcpa-dispute", "pci-card-data"},
}

# Account details: a claim's or bill's status, or what someone owes (amounts are checked separately).
_ACCOUNT = rx(r"\b(?:your|his|her|their) (?:balance|bill|account|claim|charges?|statement|visit|surgery|mri|procedure|"
              r"scan|test|x-ray|stay|insurance|insurer)\b[^.?!]{0,30}\b(?:was|were|has been|is being|got) (?:denied|paid|"
              r"applied|sent|processed|billed|adjusted|rejected|approved|covered|submitted|reduced|written off)\b",
              r"\b(?:he|she|they) (?:owes?|still owes?)\b", r"\b(?:his|her|their) (?:balance|bill|account) (?:is|shows)\b",
              r"\bdate of service\b", r"\b(?:was|were) seen (?:here )?on\b",
              r"\b(?:your|his|her|their) (?:last |recent |previous )?(?:visit|appointment|stay|admission|procedure|surgery|"
              r"test|scan|mri|x-ray)\b[^.?!]{0,25}\b(?:was|were) (?:in|on|for|at|with|back)\b",
              r"\b(?:his|her|their) (?:mri|surgery|visit|procedure|scan|test|claim)\b",
              r"\bi (?:see|show|have|can see)\b[^.?!]{0,30}\b(?:your|his|her|the) (?:account|balance|bill|claim|visit|mri|surgery|"
              r"procedure|test|scan|stay|statement)\b",
              r"\b(?:the|that) (?:claim|mri|surgery|visit|procedure|scan|test|bill|balance|charge)\b[^.?!]{0,25}\b(?:was|were) "
              r"(?:denied|paid|applied|billed|sent|rejected|approved|processed)\b",
              r"\byou (?:still )?owe\b[^.?!]{0,20}\$",
              r"\b(?:your|his|her) (?:balance|bill|total|amount due|account balance|charges?) (?:is|was|comes to|came to|shows)\b",
              r"\bwent (?:to|toward|towards) (?:your|his|her) (?:deductible|coinsurance|copay)\b",
              r"\byour (?:insurance|insurer|plan|claim)\b[^.?!]{0,20}\b(?:applied|paid|denied|processed|rejected|covered)\b",
              r"\b(?:went|sent|placed|moved) to (?:pre-?collect\w*|collections?|an agency)\b",
              r"\b(?:er|emergency|visit|surgery|stay|scan|test|physical|treatment|appointment|procedure)\b[^.?!]{0,25}"
              r"\b(?:on|from|in) (?:the )?(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
# Anything about the patient's care or account, said to a caller who is not the patient.
_ABOUT_PATIENT = rx(r"\b(?:he|she)(?: still)? (?:owes?|had|has had|was (?:seen|treated|admitted|billed|here|in)|went|came in|got)\b",
                    r"\b(?:his|her) (?:balance|bill|claim|visit|surgery|mri|procedure|scan|test|stay|charges?|deductible|"
                    r"copay|treatment|diagnosis|appointment)\b[^.?!]{0,30}\b(?:is|was|were|shows?|came|for|on|from|went|got)\b",
                    r"\b(?:from|for) (?:his|her) \w+(?: \w+)? (?:treatment|visit|surgery|stay|care|scan|test)\b",
                    r"\bi can see (?:it|his|her|the)\b")
# A sentence about the account: an amount in it is an account detail, not a general price.
_ACCOUNT_SENTENCE = rx(r"\byour\b", r"\byou (?:still )?owe\b", r"\b(?:his|her|their|he|she)\b", r"\bbalance\b", r"\baccount\b",
                       r"\bclaim\b", r"\bbill\b", r"\bstatement\b",
                       r"\b(?:from|in|on) (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\b", r"\bon the \d")
_AUTH_CHECK = rx(r"\bauthori[sz]\w*\b", r"\bpersonal representative\b", r"\b(?:executor|executrix|administrator) of\b",
                 r"\b(?:her|his|their|the patient'?s) (?:permission|consent|ok)\b", r"\bcan'?t (?:share|discuss|give out|go over)\b",
                 r"\bcannot (?:share|discuss|give out)\b", r"\bprivacy (?:rules?|law)\b", r"\bhipaa\b", r"\bpower of attorney\b",
                 r"\bletters? (?:of|testamentary)\b")
_CARD_DIGITS = re.compile(r"\b(?:\d[ -]?){13,19}\b")
_STORE_CODE = rx(r"\b(?:save|store|keep|write down|note|record|file)\w*\b[^.?!]{0,30}\b(?:security code|cvv|cvc|three[- ]digit code)\b",
                 r"\b(?:security code|cvv|cvc)\b[^.?!]{0,30}\b(?:on file|for next time|for later|in (?:the|your) (?:notes|account))\b",
                 r"\bread (?:that|the|your) card(?: number)? back\b", r"\bcard number (?:is|was) \d")
_SCREEN_FIRST = rx(r"\b(?:seen|treated|examined|screened|cared for) (?:first|regardless|no matter)\b", r"\bcare comes first\b",
                   r"\b(?:regardless of|no matter) (?:your )?(?:ability to pay|insurance|cost)\b",
                   r"\bnot (?:going to )?(?:delay|affect) (?:your )?(?:care|being seen)\b",
                   r"\bafter (?:you'?re|you are|you have been|you'?ve been|the doctor has) (?:seen|examined|screened|checked)\b")
_PROTECTED = rx(r"\bprotect\w*\b", r"\bin-network (?:rate|cost|amount|price|share)\b", r"\bno surprises act\b",
                r"\bshould(?:n'?t| not) (?:have to )?pay (?:more than|the out-of-network)\b", r"\bbalance[- ]bill\w* (?:is|isn'?t|are) not allowed\b")
_OWE_OON = rx(r"\byou (?:will |'ll )?(?:have to |need to |still )?(?:owe|pay) (?:the )?(?:full|out-of-network|whole|entire) (?:\$|amount|balance|difference|bill|charges?)",
              r"\b(?:out-of-network|balance) (?:bill|charges?) (?:is|are) your responsibility\b",
              r"\b(?:is|are) (?:all )?yours\b", r"\byou(?:'re| are) responsible for (?:the )?(?:full|whole|entire|out-of-network)\b",
              r"\byou(?:'ll| will)? (?:have|need) to pay (?:it|this|that)\b", r"\b(?:that'?s|it'?s) (?:just )?how out[- ]of[- ]network works\b",
              r"\bthose happen\b")
_PROMISE = rx(r"\bi (?:guarantee|promise)\b", r"\b(?:will|'ll) (?:definitely |just )?(?:go away|disappear|be (?:erased|forgiven|wiped))\b",
              r"\byou (?:won'?t|will not|don'?t) owe (?:anything|a thing|a cent)\b", r"\bdon'?t worry about (?:it|the bill|paying)\b")
# Sending an emergency patient away, or making care wait on paperwork, breaches EMTALA.
_ED_DETERRENT = rx(r"\burgent care\b", r"\b(?:cheaper|less expensive) (?:elsewhere|somewhere|down the street|at)\b",
                   r"\bgo (?:somewhere else|elsewhere|home and)\b", r"\bsign\w*\b[^.?!]{0,40}\b(?:first|before (?:you'?re|you are|we) )",
                   r"\b(?:before|until) (?:you'?re|you are|you can be|we can) (?:seen|treated|see you)\b[^.?!]{0,30}\b(?:pay|insurance|deposit|card|form)")
# Misleading statements that push a patient to pay.
_MISLEADING = rx(r"\byou(?:'re| are) (?:now )?(?:personally )?(?:responsible|liable) for (?:his|her|their|your (?:late )?(?:husband|wife|son|daughter|mother|father))'?s?\b",
                 r"\b(?:all|every) (?:medical )?bills? (?:go|goes|get|gets) (?:reported|on|to) (?:your )?credit\b",
                 r"\bmedicare will (?:definitely |still |probably )?(?:cover|pay)\b",
                 r"\b(?:just a formality|everyone signs)\b", r"\bsign (?:it )?or (?:don'?t|else)\b",
                 r"\bif you don'?t sign\b[^.?!]{0,40}\b(?:can'?t|won'?t)\b",
                 r"\bmost (?:patients|people)(?: in your situation| like you)? just (?:pay|put|charge)\b",
                 r"\bsomebody has to pay\b", r"\b(?:it'?s|they'?re|that'?s) (?:all )?yours now\b",
                 r"\b(?:the )?spouse (?:is|becomes) (?:the )?(?:guarantor|responsible)\b",
                 r"\beobs? (?:is|are) (?:a |the |your )?(?:final )?bills?\b",
                 r"\b(?:help|improve|raise) your credit(?: score)?\b", r"\bkeep (?:the |your )?credits? on file\b",
                 r"\bcan'?t refund (?:it |you )?until\b", r"\bjust pay (?:the|it|whatever|what)\b",
                 r"\bpay\b[^.?!]{0,30}\bto avoid\b", r"\b(?:is|are) (?:all )?yours\b(?=[^.?!]{0,40}(?:out of network|out-of-network))",
                 r"\bout[- ]of[- ]network\b[^.?!]{0,40}\b(?:is|are) (?:all )?yours\b")
_URGENCY = rx(r"\b(?:today|right now|right away|immediately|before you hang up)\b")
_FAMILY_INTERPRETER = rx(r"\b(?:your|a) (?:son|daughter|child|kid|grandson|granddaughter|neighbou?r|friend) (?:can|could|to) (?:translate|interpret)")
_ABN_EXPLAINED = rx(r"\b(?:abn|advance beneficiary notice)\b", r"\bmedicare (?:may|might) not (?:pay|cover)\b", r"\byou (?:can|may) choose\b")
_ABN_PRESSURE = rx(r"\bjust sign\b", r"\bhave to sign\b", r"\bsign (?:it|here) (?:or|and)\b")


# Rules a context brings in by itself when the scenario names none (e.g. a corpus line).
_ABN_CUE = rx(r"\b(?:abn|advance beneficiary|sign (?:this|that|the|a) (?:form|paper|notice)|medicare (?:won'?t|might not|may not))\b")
_LANGUAGE_CUE = rx(r"\b(?:no hablo|hablo|español|spanish|my english|english (?:no|not) good|interpreter|translator)\b")


def applicable_rules(ctx: ScoreContext) -> frozenset[str]:
    if ctx.rules:
        return ctx.rules | {"fair-dealing"}
    rules = set(DEFAULT_RULES.get(ctx.role, DEFAULT_RULES["hospital_billing"])) | {"fair-dealing"}
    if ctx.state.emergency_unscreened:
        rules.add("emtala-screening-first")
    if ctx.state.self_pay:
        rules.add("nsa-good-faith-estimate")
    if _ABN_CUE.search(ctx.patient_line):
        rules.add("medicare-abn")
    if _LANGUAGE_CUE.search(ctx.patient_line):
        rules.add("language-access")
    return frozenset(rules)


def score_compliance(text: str, hits: dict, cues: set[str], ctx: ScoreContext) -> tuple[Ledger, list[Blocker]]:
    led = Ledger("compliance")
    blockers: list[Blocker] = []
    rules = applicable_rules(ctx)
    st = ctx.state

    def breach(rule_id: str, spans, reason: str) -> None:
        rule = RULES[rule_id]
        s, e = spans[0] if spans else (0, 0)
        blockers.append(Blocker(rule_id, rule.title, rule.source, s, e))
        led.reasons.append(f"BLOCKER: {reason} ({rule.source})")
        led.evidence += [Evidence(a, b, "compliance", -100, f"breach: {reason}") for a, b in spans[:3]]

    def credit(rule_id: str, spans, reason: str) -> None:
        led.hit("credit", f"meets '{RULES[rule_id].title}': {reason}", spans, sub=rule_id)

    def fault(severity: str, rule_id: str, reason: str, spans=()) -> None:
        led.hit(severity, reason, spans, sub=rule_id)

    disclosed = _disclosures(text, hits, ctx.patient_line)
    surprise_bill = "surprise_bill" in cues
    asked_pay = hits.get("asked_payment", [])
    hardship = st.hardship_voiced or "hardship" in cues
    dispute = st.dispute_raised or "dispute" in cues

    if "hipaa-verify-identity" in rules and not st.identity_verified and st.caller_is_patient:
        if disclosed:
            breach("hipaa-verify-identity", disclosed, "account details before the caller's identity is verified")
        elif "verified_identity" in hits:
            credit("hipaa-verify-identity", hits["verified_identity"], "asks for identifiers first")
        elif st.first_turn:
            fault("loose", "hipaa-verify-identity", "does not yet verify who is calling")
            led.suggest(7, "Verify identity first: 'Before we look at the account, can I have your full name and date of birth?'")

    if "hipaa-third-party" in rules and not st.caller_is_patient and not st.third_party_authorized:
        amounts = _new_amounts(text, hits, ctx.patient_line)  # to a third party, any amount is a detail
        disclosed = sorted(set(disclosed + amounts + find_all(_ABOUT_PATIENT, text, allow_negated=False)))
        if disclosed:
            breach("hipaa-third-party", disclosed, "account details to a caller who is not authorized")
        elif _AUTH_CHECK.search(text):
            credit("hipaa-third-party", [(m.start(), m.end()) for m in _AUTH_CHECK.finditer(text)],
                   "checks authorization before sharing")
        else:
            fault("loose", "hipaa-third-party", "does not say what authorization is needed to discuss the account")
            led.suggest(7, "Explain what you need first: 'I can share details once I have the patient's written "
                           "authorization or proof you are the personal representative.'")

    if "fdcpa-mini-miranda" in rules and ctx.collector and st.first_turn and not st.mini_miranda_given:
        if "gave_mini_miranda" in hits:
            credit("fdcpa-mini-miranda", hits["gave_mini_miranda"], "gives the debt-collector disclosure")
        elif disclosed or asked_pay:
            breach("fdcpa-mini-miranda", disclosed or asked_pay, "discusses the debt without the debt-collector disclosure")
        else:
            fault("missed", "fdcpa-mini-miranda", "no debt-collector disclosure on the first contact")
    if ctx.collector and st.first_turn and not st.mini_miranda_given and "gave_mini_miranda" not in hits:
        led.suggest(8, "Give the disclosure: 'This is an attempt to collect a debt; any information obtained "
                       "will be used for that purpose.'")

    if "threatened" in hits:
        rule = "fdcpa-no-threats" if ctx.collector or "fdcpa-no-threats" in rules else "irs-501r-financial-assistance"
        breach(rule, hits["threatened"], "threatens collection, credit damage or legal action")
        led.suggest(10, "Never threaten. State facts and options: 'Let's find a plan that works so this stays with us.'")

    if dispute:
        if asked_pay and "honoured_dispute" not in hits and ctx.collector:
            breach("fdcpa-dispute", asked_pay, "presses for payment on a disputed debt instead of verifying it")
        elif asked_pay and "honoured_dispute" not in hits:
            fault("pressure", "dispute", "presses for payment while the charges are disputed", asked_pay)
        elif "honoured_dispute" in hits or "offered_itemized_bill" in hits:
            credit("fdcpa-dispute", hits.get("honoured_dispute") or hits["offered_itemized_bill"], "pauses to review the disputed charges")
        else:
            fault("missed", "dispute", "does not say how the dispute will be reviewed")
        if "honoured_dispute" not in hits:
            led.suggest(6, "Honour the dispute: 'I'll put the account on hold and send you an itemized bill to review.'")

    if "emtala-screening-first" in rules and st.emergency_unscreened:
        deterrent = [(m.start(), m.end()) for m in _ED_DETERRENT.finditer(text)]
        if asked_pay or deterrent:
            breach("emtala-screening-first", asked_pay or deterrent,
                   "payment, insurance or paperwork before the medical screening, or steering the patient away")
        elif _SCREEN_FIRST.search(text):
            credit("emtala-screening-first", [(m.start(), m.end()) for m in _SCREEN_FIRST.finditer(text)],
                   "reassures that care comes before cost")
        if not _SCREEN_FIRST.search(text):
            led.suggest(9, "Reassure first: 'You'll be seen by a doctor no matter what; we can talk about cost after.'")

    if hardship and not st.assistance_offered and ("irs-501r-financial-assistance" in rules or not ctx.collector):
        if "offered_financial_assistance" in hits:
            credit("irs-501r-financial-assistance", hits["offered_financial_assistance"], "offers financial assistance")
        elif asked_pay:
            fault("pressure", "irs-501r-financial-assistance", "presses for payment after hardship without offering assistance", asked_pay)
        else:
            fault("missed", "irs-501r-financial-assistance", "hardship voiced, financial assistance not offered")
        if "offered_financial_assistance" not in hits:
            led.suggest(8, "Offer help: 'We have a financial assistance program; based on your income it could "
                           "lower or erase this bill.'")

    if "nsa-good-faith-estimate" in rules and st.self_pay:
        if "offered_estimate" in hits:
            credit("nsa-good-faith-estimate", hits["offered_estimate"], "offers a good-faith estimate")
        elif "cost_question" in cues:
            fault("missed", "nsa-good-faith-estimate", "self-pay patient asked about cost; no good-faith estimate offered")
            led.suggest(7, "Offer the estimate: 'You'll get a written good-faith estimate before the surgery.'")

    if "nsa-surprise-billing" in rules and (surprise_bill or "nsa-surprise-billing" in ctx.rules):
        owe = [(m.start(), m.end()) for m in _OWE_OON.finditer(text)]
        if owe:
            fault("pressure", "nsa-surprise-billing", "tells a protected patient they owe the out-of-network balance", owe)
        elif "nsa-surprise-billing" in ctx.rules and _PROTECTED.search(text):
            credit("nsa-surprise-billing", [(m.start(), m.end()) for m in _PROTECTED.finditer(text)],
                   "explains the patient's protection")

    if "language-access" in rules and not st.interpreter_offered:
        family = [(m.start(), m.end()) for m in _FAMILY_INTERPRETER.finditer(text)]
        if family:
            fault("missed", "language-access", "relies on a family member to interpret", family)
        elif "offered_interpreter" in hits:
            credit("language-access", hits["offered_interpreter"], "offers a free interpreter")
        else:
            fault("missed", "language-access", "no qualified interpreter offered")
            led.suggest(8, "Offer a free interpreter: 'I can get a Spanish interpreter on the line at no cost to you.'")

    if "medicare-abn" in rules:
        pressure = find_all(_ABN_PRESSURE, text, allow_negated=False)  # "you don't have to sign" is fine
        if pressure:
            fault("loose", "medicare-abn", "pressures the patient to sign the ABN", pressure)
        elif _ABN_EXPLAINED.search(text):
            credit("medicare-abn", [(m.start(), m.end()) for m in _ABN_EXPLAINED.finditer(text)], "explains the notice and choices")

    if "pci-card-data" in rules:
        leak = find_all(_CARD_DIGITS, text) + find_all(_STORE_CODE, text, allow_negated=False)
        if leak:
            breach("pci-card-data", leak, "reads back card digits or keeps the security code")

    misleading = [(m.start(), m.end()) for m in _MISLEADING.finditer(text)]
    if misleading:
        if ctx.collector:
            breach("fdcpa-no-threats", misleading, "a false or misleading statement about the debt")
        else:
            fault("pressure", "fair-dealing", "a misleading statement that pushes the patient", misleading)
    elif asked_pay and _URGENCY.search(text) and cues & {"emotion", "hardship", "dispute", "question"} \
            and not hits.keys() & {"offered_payment_plan", "offered_financial_assistance", "explained_term"}:
        fault("loose", "fair-dealing", "pushes for payment now before the patient's question is answered", asked_pay)

    promises = [(m.start(), m.end()) for m in _PROMISE.finditer(text)]
    if promises and not blockers:
        fault("loose", "accuracy", "promises an outcome the office cannot guarantee", promises)
    if blockers:
        led.cap(0, "a compliance breach fails the call")
    return led, blockers


_AMOUNT = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _number(text: str) -> str:
    """'$1,210.00' and '1210' both become '1210'."""
    digits = re.sub(r"[^\d.]", "", text).rstrip(".")
    return digits[:-3] if digits.endswith(".00") else digits


def _new_amounts(text: str, hits: dict, patient_line: str) -> list[tuple[int, int]]:
    """Spans of dollar amounts in the reply that the patient did not say first."""
    theirs = {_number(m.group(0)) for m in _AMOUNT.finditer(patient_line)}
    return [(s, e) for s, e in hits.get("gave_amount", [])  # a percentage explains a benefit: not a detail
            if ("$" in text[s:e] or "dollar" in text[s:e]) and _number(text[s:e]) not in theirs]


def _disclosures(text: str, hits: dict, patient_line: str) -> list[tuple[int, int]]:
    """Account details in the reply that the patient did not say first."""
    spans = find_all(_ACCOUNT, text, allow_negated=False)  # "I can't discuss his account" discloses nothing
    for s, e in _new_amounts(text, hits, patient_line):
        start = max(text.rfind(".", 0, s), text.rfind("?", 0, s), text.rfind("!", 0, s)) + 1
        end = min([i for i in (text.find(".", e), text.find("?", e), text.find("!", e)) if i >= 0] or [len(text)])
        if _ACCOUNT_SENTENCE.search(text[start:end]):  # "stress tests usually run $900" is a general price
            spans.append((s, e))
    return sorted(spans)
