"""Wrong facts in a reply: against the account (amounts, who paid, network) and the shared regulatory table.

Each check looks for a claim and tests its value, so a right claim in any wording
passes and only a contradicting one is shown, with the correct fact and its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .context import FactSheet
from .regulatory_facts import REGULATORY_FACTS
from .text import negated, rx, sentence_span

Span = tuple[int, int]


@dataclass(frozen=True)
class WrongFact:
    start: int
    end: int
    fact_id: str  # a regulatory fact id, "definition:<term>" or "account:<field>"
    correct: str
    source: str
    misleads_on_rights: bool


def _number(text: str) -> float | None:
    digits = re.sub(r"[^\d.]", "", text).rstrip(".")
    try:
        return float(digits) if digits else None
    except ValueError:
        return None


def money_values(text: str) -> list[float]:
    """Every amount in a fact's text: "$1,210.00" and "1210" are both 1210."""
    return [v for v in (_number(m.group(0)) for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", text)) if v is not None]


# The pattern tables are laid out by hand, so that they read against each other.
# fmt: off
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                 "twelve": 12, "thirty": 30, "sixty": 60, "ninety": 90}


# fmt: on


def _count(text: str) -> float | None:
    return _WORD_NUMBERS.get(text.lower()) or _number(text)


# (fact id, pattern with a "v" group holding the claimed value or none, test: True when the claim is wrong)
# fmt: off
Check = tuple[str, re.Pattern[str], Callable[[re.Match[str]], bool]]
_N = r"(?P<v>\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirty|sixty|ninety)"

REGULATORY_CHECKS: list[Check] = [
    ("nsa-dispute-threshold", rx(r"(?:more than|over|above|exceeds?|at least)\s*(?:the |your )?(?:good[- ]faith )?"
                                 r"estimate\s*by (?:more than |at least |over )?\$\s?(?P<v>\d[\d,]*)"), lambda m: _number(m.group("v")) != 400),
    ("nsa-dispute-threshold", rx(r"\bany (?:amount|charge|bill|cost)s?\b[^.?!]{0,30}\b(?:over|above|more than|beyond) (?:the|your) estimate\b"
                                 r"[^.?!]{0,40}\b(?:must|has to|have to|will|gets?) be (?:lowered|reduced|waived|removed|refunded|dropped)"),
     lambda m: True),
    ("credit-medical-debt-2026", rx(r"\b(?:cfpb|consumer financial protection bureau|federal (?:government|rule|law)|new (?:federal )?(?:rule|law)|"
                                    r"the government)\b[^.?!]{0,50}\b(?:banned|bans|removed|prohibits|prohibited|erased|wiped|took)\b"
                                    r"[^.?!]{0,30}\bmedical (?:debts?|bills?|collections?)"),
     lambda m: not re.search(r"vacat|struck|overturn|blocked|court", m.string[m.end():m.end() + 80], re.IGNORECASE)),
    ("credit-medical-debt-2026", rx(r"\b(?:medical (?:debt|bills?|collections?)) (?:can'?t|cannot|can no longer|won'?t ever|never) "
                                    r"(?:be reported|go on|show up on|appear on|hurt|affect) (?:your )?credit\b(?![^.?!]{0,40}(?:\$500|under|less than|paid|year))"),
     lambda m: True),
    ("credit-medical-debt-2026", rx(r"\b(?:report\w*|show\w* up|go(?:es)? on|appear\w*)\b[^.?!]{0,30}\bcredit\b[^.?!]{0,30}\b(?:after|within|in) "
                                    rf"{_N} days\b"),
     lambda m: (_count(m.group("v")) or 0) < 365),
    ("credit-medical-debt-2026", rx(r"\b(?:all|any|every) medical (?:debts?|bills?|collections?) (?:is|are|get|gets|will be) reported\b"),
     lambda m: True),
    ("credit-medical-debt-2026", rx(rf"\breport\w*\b[^.?!]{{0,60}}\b{_N} days (?:past due|late|overdue|delinquent)\b"),
     lambda m: (_count(m.group("v")) or 0) < 365),
    ("credit-medical-debt-2026", rx(r"\bfederal (?:rule|law)\b[^.?!]{0,20}\bbans?\b"), lambda m: True),
    ("credit-medical-debt-2026", rx(r"\bpaid\b[^.?!]{0,60}\b(?:stays?|remains?|stay)\b[^.?!]{0,30}\bseven years\b",
                                    r"\bpaying (?:it )?(?:won'?t|doesn'?t|will not) (?:take|get) it off\b"), lambda m: True),
    ("nsa-dispute-threshold", rx(r"\bdisput\w*\b[^.?!]{0,80}\b(?:at least|more than|differences? over|needs? to be|kicks in for differences over)\s*"
                                 r"\$\s?(?P<v>\d[\d,]*)"), lambda m: _number(m.group("v")) != 400),
    ("nsa-dispute-threshold", rx(r"\b(?:at least|more than)\s*\$\s?(?P<v>\d[\d,]*)\b[^.?!]{0,60}\bdisput"), lambda m: _number(m.group("v")) != 400),
    ("nsa-dispute-threshold", rx(r"\bdisput\w*\b[^.?!]{0,60}\b(?:double|twice|much more)\b"), lambda m: True),
    ("nsa-dispute-threshold", rx(rf"\b{_N} days to (?:start|file|begin|open|request) (?:a |the )?dispute\b"),
     lambda m: _count(m.group("v")) != 120),
    ("nsa-dispute-threshold", rx(r"\$\s?(?P<v>\d[\d,]*) (?:over|more|higher)\b[^.?!]{0,10}\b(?:isn'?t|is not|not) enough to dispute\b"),
     lambda m: (_number(m.group("v")) or 0) >= 400),
    ("nsa-dispute-threshold", rx(r"\b(?:don'?t|do not) think \$\s?(?P<v>\d[\d,]*) (?:over|more|higher)\b[^.?!]{0,10}\bis enough to dispute\b"),
     lambda m: (_number(m.group("v")) or 0) >= 400),
    ("nsa-dispute-threshold", rx(r"\bcan'?t dispute\b[^.?!]{0,40}\$\s?(?P<v>\d[\d,]*)"), lambda m: (_number(m.group("v")) or 0) >= 400),
    ("medicare-abn-options", rx(r"\boption (?:1|one)\b[^.?!]{0,30}\b(?:doesn'?t|does not) allow appeals?\b"), lambda m: True),
    ("medicare-abn-options", rx(r"\boption (?:2|two)\b[^.?!]{0,60}\b(?:you )?(?:can|could|may|still) appeal\b"), lambda m: True),
    ("medicare-abn-options", rx(r"\boption (?:1|one)\b[^.?!]{0,60}\b(?:can'?t|cannot|no|lose (?:your|the) right to) appeal\w*\b"),
     lambda m: True),
    ("cob-rules", rx(r"\b(?:older|oldest|elder) parent'?s? (?:plan|insurance|coverage) (?:is|pays|goes|comes)\b[^.?!]{0,15}\b(?:first|primary)\b",
                     r"\b(?:father|dad|husband|mother|mom)'?s (?:plan|insurance|coverage) (?:is )?(?:always )?(?:pays? |goes )?(?:first|primary)\b",
                     r"\bbirthday\b[^.?!]{0,40}\b(?:later|latest|last) in the (?:calendar )?year\b[^.?!]{0,30}\b(?:first|primary)\b",
                     r"\bmedicare (?:is )?always (?:pays? )?(?:first|primary)\b",
                     r"\bspouse'?s (?:plan|insurance) (?:is|pays|goes) (?:first|primary)\b"), lambda m: True),
    ("medicare-2026-amounts", rx(r"\bpart a (?:hospital )?deductible\b[^.?!$]{0,25}\$\s?(?P<v>\d[\d,]*)"),
     lambda m: _number(m.group("v")) != 1736),
    ("medicare-2026-amounts", rx(r"\bpart b (?:annual )?deductible\b[^.?!$]{0,25}\$\s?(?P<v>\d[\d,]*)"),
     lambda m: _number(m.group("v")) != 283),
    ("fdcpa-dispute-rights", rx(rf"\bverif\w*\b[^.?!]{{0,30}}\bwithin {_N} (?:business )?days\b"), lambda m: True),
    ("fdcpa-dispute-rights", rx(rf"\byou (?:only )?have {_N} days to dispute\b"), lambda m: _count(m.group("v")) != 30),
    ("irs-501r-periods", rx(rf"\b(?:apply|application)\b[^.?!]{{0,40}}\bwithin {_N} days\b"), lambda m: (_count(m.group("v")) or 0) < 240),
    ("irs-501r-periods", rx(rf"\b(?:report\w*|sue|su(?:e|ing)|garnish\w*|lien)\b[^.?!]{{0,40}}\bafter {_N} days\b"),
     lambda m: (_count(m.group("v")) or 0) < 120),
    ("irs-501r-periods", rx(rf"\b{_N} days'? (?:written )?notice\b"), lambda m: (_count(m.group("v")) or 0) < 30),
    ("qmb-no-cost-sharing", rx(r"\b(?:qmb|qualified medicare beneficiar\w+|medicare savings)\b[^.?!]{0,60}\b(?:still )?(?:owe|have to pay|"
                               r"responsible for|pay) (?:the |your )?(?:coinsurance|deductible|copays?|20 percent)"), lambda m: True),
    ("medicaid-retroactive", rx(rf"\bmedicaid\b[^.?!]{{0,50}}\b(?:back|before|retroactive\w*)\b[^.?!]{{0,30}}\b{_N} months\b"),
     lambda m: (_count(m.group("v")) or 0) > 3),
    ("medicaid-retroactive", rx(rf"\bmedicaid\b[^.?!]{{0,30}}\b{_N} months\b[^.?!]{{0,30}}\b(?:back|before you apply|retroactive\w*)\b"),
     lambda m: (_count(m.group("v")) or 0) > 3),
    ("medicaid-retroactive", rx(r"\bmedicaid (?:can'?t|cannot|won'?t|doesn'?t|does not) (?:cover|pay|help with) (?:anything|bills?|care) "
                                r"(?:from )?before\b"), lambda m: True),
    ("hipaa-family-payment", rx(r"\b(?:the )?(?:privacy )?law\b[^.?!]{0,30}\b(?:says|means|forbids|won'?t let)\b[^.?!]{0,30}\b(?:can'?t|cannot|not|us|me)\b"
                                r"[^.?!]{0,20}\b(?:share|confirm|tell|say|discuss) anything\b"), lambda m: True),
    ("nsa-balance-billing", rx(r"\b(?:emergency|er)\b[^.?!]{0,40}\bout[- ]of[- ]network\b[^.?!]{0,40}\b(?:isn'?t|is not|not|never) covered\b",
                               r"\bout[- ]of[- ]network\b[^.?!]{0,40}\bemergenc\w*\b[^.?!]{0,40}\byou (?:owe|pay|are responsible for) "
                               r"(?:the )?(?:full|whole|difference|rest)"), lambda m: True),
    ("nsa-gfe-timing", rx(r"\b(?:estimate)\b[^.?!]{0,40}\b(?:only|just) (?:by |through |over )?(?:e-?mail|the portal|online)\b",
                          r"\bwe (?:can'?t|cannot|don'?t) (?:mail|send|give) (?:you )?(?:a )?paper (?:copy|estimate)\b"), lambda m: True),
]

# A wrong definition of a term the patient must understand (glossary term -> words that make a gloss wrong).
_GLOSS = r"(?:,\s*(?:which|that) (?:is|means)|\b(?:is|means|refers to|are|=))\b(?P<g>[^.?!]{0,120})"
DEFINITION_CHECKS: dict[str, tuple[re.Pattern[str], re.Pattern[str], str]] = {
    "deductible": (rx(rf"\bdeductibles?\b[^.?!,]{{0,12}}{_GLOSS}"),
                   rx(r"\b(?:each|every|per|a) month\b", r"\bmonthly\b", r"\bpercent\b", r"%",
                      r"^\s*(?:the |what |how much )?(?:amount |money )?(?:your |the )?(?:insurance|insurer|plan|insurance company) (?:pays|covers|owes)\b",
                      r"\beach (?:visit|time you (?:see|visit))\b", r"\bto keep (?:your )?(?:insurance|coverage)\b"),
                   "The amount you pay each year for covered care before your insurance starts to pay its share."),
    "coinsurance": (rx(rf"\bco-?insurance\b[^.?!,]{{0,12}}{_GLOSS}"),
                    rx(r"\b(?:flat|fixed|set) (?:fee|amount|dollar)\b", r"\bmonthly\b", r"\beach month\b", r"\bbefore (?:your )?(?:insurance|plan) (?:pays|starts)\b"),
                    "Your share of the cost of covered care, as a percent (like 20 percent), after the deductible."),
    "copay": (rx(rf"\bco-?pay(?:ment)?s?\b[^.?!,]{{0,12}}{_GLOSS}"),
              rx(r"\bpercent\b", r"%", r"\bmonthly\b", r"\beach month\b", r"\bbefore (?:your )?(?:insurance|plan) (?:pays|starts)\b"),
              "A set dollar amount you pay for a certain kind of care, like $30 for a doctor visit."),
    "premium": (rx(rf"\bpremiums?\b[^.?!,]{{0,12}}{_GLOSS}"),
                rx(r"\beach (?:visit|time you)\b", r"\bper visit\b", r"\bbefore (?:your )?(?:insurance|plan) (?:pays|starts)\b", r"\bpercent\b"),
                "What you pay, often monthly, to keep your insurance, whether or not you get care."),
    "eob": (rx(rf"\b(?:eob|explanation of benefits)\b[^.?!,]{{0,12}}{_GLOSS}"),
            rx(r"^\s*(?:a |the |your )?(?:final )?bill\b", r"\byou (?:have to|must|need to) pay\b"),
            "A statement from your insurer showing what it paid and what you may owe. It is not a bill."),
    "out-of-pocket maximum": (rx(rf"\bout[- ]of[- ]pocket (?:max|maximum|limit)\b[^.?!,]{{0,12}}{_GLOSS}"),
                              rx(r"\b(?:insurance|plan|insurer) (?:pays|will pay|covers) (?:up to|at most)\b", r"\bmost (?:your )?(?:insurance|plan) (?:pays|will pay)\b"),
                              "The most you pay for covered care in a year; after that, your plan pays 100 percent."),
}
DEFINITION_SOURCE = "Glossary of Health Coverage and Medical Terms (HHS/DOL uniform glossary, 45 CFR 147.200)"

_ACCOUNT_CLAIM = rx(r"\byou (?:still )?owe\b", r"\byour (?:balance|bill|share|part|total|portion|amount due|responsibility)\b",
                    r"\b(?:balance|bill|total|amount due) (?:is|was|comes to|shows)\b", r"\byou(?:'ll| will)? (?:need to |have to )?pay\b",
                    r"\bwent (?:to|toward|towards) (?:your|the) deductible\b")
_MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d{1,2})?)")
_SAYS_UNPAID = rx(r"\b(?:your |the )?(?:insurance|insurer|plan)\b[^.?!]{0,20}\b(?:didn'?t|did not|never|hasn'?t|has not|refused to|won'?t) "
                  r"(?:pay|cover)\b", r"\b(?:the |your )?claim (?:was|got|has been) (?:denied|rejected)\b", r"\b(?:insurance|plan) denied\b")
_SAYS_PAID = rx(r"\b(?:your |the )?(?:insurance|insurer|plan)\b[^.?!]{0,10}\b(?:paid|covered) (?:it|this|the claim|its share|the bill|everything)\b")
_SAYS_OON = rx(r"\b(?:it|this|that|the (?:doctor|provider|hospital|service|visit|scan|mri|surgery))\b[^.?!]{0,15}\b(?:was|is) "
               r"out[- ]of[- ]network\b")


# fmt: on


def check_facts(text: str, facts: FactSheet | None, patient_line: str = "") -> list[WrongFact]:
    found: list[WrongFact] = []
    for fact_id, pattern, wrong in REGULATORY_CHECKS:
        fact = REGULATORY_FACTS[fact_id]
        for m in pattern.finditer(text):
            if wrong(m) and not negated(text, m.start(), m.end()):
                found.append(WrongFact(m.start(), m.end(), fact_id, fact.statement, fact.source, fact.misleads_on_rights))
    for term, (pattern, bad, correct) in DEFINITION_CHECKS.items():
        for m in pattern.finditer(text):
            if bad.search(m.group("g")):
                found.append(WrongFact(m.start(), m.end(), f"definition:{term}", correct, DEFINITION_SOURCE, False))
    if facts is not None:
        found += _account_facts(text, facts, patient_line)
    found.sort(key=lambda w: w.start)
    return [w for i, w in enumerate(found) if not any(o.start <= w.start < o.end for o in found[:i])]


def _account_facts(text: str, facts: FactSheet, patient_line: str) -> list[WrongFact]:
    out = []
    if facts.amounts:
        known = set(facts.amounts) | {v for v in (_number(m.group(1)) for m in _MONEY.finditer(patient_line)) if v is not None}
        sums = {round(a + b, 2) for a in known for b in known} | {round(abs(a - b), 2) for a in known for b in known}
        for s, e in _sentences_with(text, _ACCOUNT_CLAIM):
            for m in _MONEY.finditer(text, s, e):
                value = _number(m.group(1))
                if value is not None and value not in known and value not in sums and not _is_monthly(text, m.end()):
                    listed = ", ".join(f"${v:,.2f}".replace(".00", "") for v in sorted(facts.amounts))
                    out.append(
                        WrongFact(
                            m.start(), m.end(), "account:amount", f"The account shows {listed}.", "the patient's account", True
                        )
                    )
    if facts.insurer_paid is True:
        out += [
            WrongFact(
                m.start(),
                m.end(),
                "account:insurer_paid",
                "The insurer paid its share of this claim.",
                "the patient's account",
                False,
            )
            for m in _SAYS_UNPAID.finditer(text)
            if not negated(text, m.start(), m.end())
        ]
    if facts.insurer_paid is False:
        out += [
            WrongFact(
                m.start(), m.end(), "account:insurer_paid", "The insurer has not paid this claim.", "the patient's account", False
            )
            for m in _SAYS_PAID.finditer(text)
            if not negated(text, m.start(), m.end())
        ]
    if facts.in_network is True:
        out += [
            WrongFact(
                m.start(),
                m.end(),
                "account:in_network",
                "This care was billed at in-network cost sharing.",
                "the patient's account",
                True,
            )
            for m in _SAYS_OON.finditer(text)
            if not negated(text, m.start(), m.end())
        ]
    return out


def _sentences_with(text: str, pattern: re.Pattern[str]) -> list[Span]:
    return sorted({sentence_span(text, m.start(), m.end()) for m in pattern.finditer(text)})


def _is_monthly(text: str, end: int) -> bool:
    """'$50 a month' is a plan payment, not a claim about the balance."""
    return bool(re.match(r"\s*(?:a|per|each|every|/)\s*(?:month|mo|week|paycheck)\b", text[end : end + 20], re.IGNORECASE))
