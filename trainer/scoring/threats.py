"""Consequences a reply mentions, each judged as a threat, pressure, a lawful notice or a reassurance.

A lawful notice says who may act, what may happen and when, with the options that
come first ("the account may go to a collection agency after 120 days if no plan or
application is in place"); 501(r) requires a hospital to give one. A threat is what
a hospital or collector cannot or will not do (arrest, seizing Social Security), or a
lawful step used as pressure (suing "if you don't pay today", credit damage "by
tomorrow"). Negation counts only inside the clause of the consequence and just
before it: "No problem - we will sue you" is a threat, "you won't be arrested" is not.
"""
from __future__ import annotations

from dataclasses import dataclass

from .text import negated, rx

# Never lawful from a hospital or collector, whatever the wording.
_SEVERE = rx(r"\barrest\w*", r"\bjail\b", r"\bprison\b", r"\b(?:call|get|send|involve)\w* the police\b", r"\bsheriff\w*", r"\bcriminal charges\b",
             r"\bwarrant (?:for|out)\b", r"\bdeport\w*", r"\b(?:call|report|tell|contact)\w* (?:you )?(?:to )?immigration\b", r"\blocked up\b", r"\bbehind bars\b",
             r"\b(?:take|taking|seize|seizing|garnish\w*|levy|go after|come after|take it out of|dock|intercept)\b[^.?!;]{0,30}"
             r"\b(?:social security|ssi|disability (?:check|benefits?|payments?)|va benefits|veterans? benefits|benefits|pension|"
             r"tax refund|stimulus)",
             r"\blose (?:your|the) (?:house|home|car|kids|children|job|license)\b",
             r"\b(?:call|tell|contact|notify) (?:your )?(?:employer|boss|neighbou?rs|church)\b",
             r"\b(?:come|show up|send someone) (?:to|at|by) your (?:house|home|door|work|job)\b",
             r"\b(?:ruin|destroy|wreck|trash|tank)\w* (?:your )?(?:credit|life|name|reputation)\b",
             r"\b(?:the rest of your life|forever on your record|follow you forever)\b",
             r"\bor else\b", r"\byou'?ll regret\b")
# Lawful for some, at the right time and with notice; a threat when used as pressure.
_LEGAL = rx(r"\bsue\b", r"\bsued\b", r"\bsuing\b", r"\blawsuits?\b", r"\blegal action\b", r"\btake you to court\b",
            r"\b(?:file|filed|filing) (?:a )?(?:suit|claim) against you\b", r"\bjudgm?ent against you\b", r"\bgarnish\w*",
            r"\b(?:put|place|file|attach)\w* a lien\b(?! on (?:the|your|any) (?:settlement|claim|recovery|award|case))",
            r"\blien on (?:your |the )?(?:house|home|property|car|estate)\b", r"\b(?:take|drag|see) you (?:to|in) court\b",
            r"\bcourt (?:date|summons|order)\b", r"\bour (?:lawyers|attorneys)\b", r"\bwage (?:garnishment|attachment)\b",
            r"\bseiz(?:e|ed|ing)\b", r"\bfreeze your (?:bank|account)\b")
_CREDIT = rx(r"\breport\w* (?:it |this |that |you )?(?:to|on) your credit\b", r"\b(?:report|send|submit|list)\w* (?:it |this |that |you |the (?:account|debt|balance) )?to (?:the )?(?:credit|three) "
             r"(?:bureaus?|agencies|reporting)", r"\b(?:hurt|damage|hit|affect|lower|drop|impact)\w* (?:to |on )?(?:your|the) credit\b",
             r"\b(?:go|goes|show up|shows up|end up|ends up|appear|appears|post|posts|be|stay|stays|land|lands) (?:on|in) your credit\b",
             r"\bon your credit (?:report|file|score|history)\b", r"\bcredit score (?:will|would|could|can|may|is going to)\b",
             r"\bstays? (?:there )?(?:for )?seven years\b")
_COLLECTIONS = rx(r"\b(?:send|turn|refer|hand|transfer|place|move|assign|go|goes|going|sent|placed)\w* (?:it |you |this |that |"
                  r"your (?:account|balance|bill) |the (?:account|balance|bill) )?(?:over |out )?to (?:a |an |our |the )?"
                  r"(?:outside )?(?:collections?|collection agency|bad debt)\b",
                  r"\bin(?:to)? collections\b")

_URGENT = rx(r"\btoday\b", r"\btonight\b", r"\btomorrow\b", r"\bright (?:now|away)\b", r"\bimmediately\b",
             r"\bby (?:the )?end of (?:the )?(?:day|week|business)\b", r"\bthis (?:week|afternoon|morning|evening)\b",
             r"\bby (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", r"\bwithin (?:24|48|72) hours\b",
             r"\b(?:in|within) (?:a|one|two|three|\d) days?\b", r"\bbefore you hang up\b", r"\bunless you pay\b",
             r"\bno choice but\b", r"\bhave no option but\b", r"\bwill have to\b", r"\bfinal warning\b", r"\blast chance\b")
_MODAL = rx(r"\b(?:may|might|could|can)\b", r"\bwould (?:only|not|be)\b", r"\bpossible\b", r"\bpossibly\b")
_CONDITION = rx(r"\bif\b", r"\bunless\b", r"\bafter\b", r"\bonce\b", r"\bwhen\b", r"\bonly\b", r"\bbefore\b", r"\buntil\b")
_TIME = rx(r"\b\d{2,3} days\b", r"\b(?:thirty|sixty|ninety|a hundred and twenty|120|240|30|60|90|180) days?\b",
           r"\b(?:a|one) year\b", r"\bmonths?\b", r"\bwritten notice\b", r"\bnotice\b", r"\bletter\b")
_OPTIONS = rx(r"\bpayment plan\b", r"\bfinancial (?:assistance|aid|help)\b", r"\bcharity care\b", r"\bapply\w*\b",
              r"\bapplication\b", r"\bplan in place\b", r"\boptions?\b", r"\bassistance\b", r"\bhold\b")
@dataclass(frozen=True)
class Consequence:
    kind: str  # severe | legal | credit | collections
    start: int
    end: int
    verdict: str  # threat | pressure | notice | reassurance


def _sentence(text: str, start: int, end: int) -> str:
    s = max(text.rfind(c, 0, start) for c in ".?!\n") + 1
    ends = [i for i in (text.find(c, end) for c in ".?!\n") if i >= 0]
    return text[s:min(ends) if ends else len(text)]


def _kind_spans(text: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in (("severe", _SEVERE), ("legal", _LEGAL), ("credit", _CREDIT), ("collections", _COLLECTIONS)):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((kind, m.start(), m.end()))
    return sorted(found, key=lambda k: k[1])


def consequences(text: str, collector: bool = False, time_barred: bool = False) -> list[Consequence]:
    out = []
    for kind, start, end in _kind_spans(text):
        if kind == "collections" and collector:  # a collector naming its own work threatens nothing
            continue
        if negated(text, start, end):
            out.append(Consequence(kind, start, end, "reassurance"))
            continue
        sentence = _sentence(text, start, end)
        urgent = bool(_URGENT.search(sentence))
        lawful_form = bool(_MODAL.search(sentence) and (_CONDITION.search(sentence) or _TIME.search(sentence))) \
            or bool(_TIME.search(sentence) and _OPTIONS.search(sentence) and _CONDITION.search(sentence))
        if kind == "severe" or (kind == "legal" and time_barred):
            verdict = "threat"
        elif kind == "legal":
            verdict = "notice" if lawful_form and not urgent else "threat"
        elif urgent:  # an ultimatum turns a lawful step into a threat
            verdict = "threat"
        else:
            verdict = "notice" if lawful_form else "pressure"
        out.append(Consequence(kind, start, end, verdict))
    return out
