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

from .text import negated, rx, sentence_at

# Never lawful from a hospital or collector, whatever the wording.
_SEVERE = rx(
    r"\barrest\w*",
    r"\bjail\b",
    r"\bprison\b",
    r"\b(?:call|get|send|involve)\w* the police\b(?! report)",
    r"\bsheriff\w*",
    r"\bcriminal charges\b",
    r"\bwarrant (?:for|out)\b",
    r"\bdeport\w*",
    r"\b(?:call|report|tell|contact)\w* (?:you )?(?:to )?immigration\b",
    r"\blocked up\b",
    r"\bbehind bars\b",
    r"\b(?:take|taking|seize|seizing|garnish\w*|levy|go after|come after|take it out of|dock|intercept)\b[^.?!;]{0,30}"
    r"\b(?:social security|ssi|disability (?:check|benefits?|payments?)|va benefits|veterans? benefits|benefits|pension|"
    r"tax refund|stimulus)",
    r"\blose (?:your|the) (?:house|home|car|kids|children|job|license)\b",
    r"\b(?:call|tell|contact|notify) (?:your )?(?:employer|boss|neighbou?rs|church)\b",
    r"\b(?:come|show up|send someone) (?:to|at|by) your (?:house|home|door|work|job)\b",
    r"\b(?:ruin|destroy|wreck|trash|tank)\w* (?:your )?(?:credit|life|name|reputation)\b",
    r"\b(?:the rest of your life|forever on your record|follow you forever)\b",
    r"\bor else\b",
    r"\byou'?ll regret\b",
    # things a hospital or collector cannot do, or may not say it will do, over an unpaid bill
    r"\b(?:social security|benefits?|benefits card|(?:va |veterans'? )?disability|pension|tax refund|refund|paycheck|wages?)\b"
    r"[^.?!]{0,30}\b(?:held|held back|withheld|frozen|seized|taken|offset|intercepted|garnished|cut off)\b",
    r"\b(?:hold|freeze|seize|tak(?:e|es|en|ing)|intercept|offset|go after)\b[^.?!]{0,30}\b(?:your )?(?:refund|tax refund|benefits card|"
    r"(?:va |veterans'? )?disability|bank account|paycheck)\b",
    r"\brepossess\w*",
    r"\bsuspend\w* (?:your )?(?:driver'?s )?licen[cs]e\b",
    r"\bpassport\b[^.?!]{0,20}\b(?:flagged|revoked|held|denied)\b",
    r"\b(?:shut|cut) off (?:your )?(?:power|water|utilities|electricity|gas)\b",
    r"\bshare\w*\b[^.?!]{0,30}\butility compan\w+",
    r"\b(?:they|insurer|we|it)\b[^.?!]{0,20}\b(?:can|will|could|may) (?:cancel|drop) your (?:coverage|insurance|policy)\b",
    r"\b(?:let|tell|notify|inform|contact)\w* (?:your )?(?:hr|human resources|employer|boss|landlord)\b"
    r"[^.?!]{0,30}\b(?:know|about|debt|balance|account|bill|pay)\b",
    r"\bwe'?(?:ll| will) (?:let|tell|notify|inform|contact) your (?:family|relatives)\b",
    r"\b(?:report|refer|pass)\w* (?:the family |you |the file |it )?(?:to )?(?:child services|cps|law enforcement|the police|"
    r"the district attorney|a prosecutor)\b",
    r"\blaw enforcement\b",
    r"\bdistrict attorney\b",
    r"\bchild services\b",
    r"\b(?:non-?payment|not paying|stopping payments|leaving without paying|unpaid|skipping)\b"
    r"(?:(?!\b(?:not|isn'?t|no|never|aren'?t)\b)[^.?!]){0,50}\b(?:fraud|theft|crime|criminal)\b",
    r"\btheft of services\b",
    r"\bcounts as (?:fraud|theft)\b",
    r"\b(?:turned|turn) (?:you |patients )?away\b",
    r"\bcan'?t let (?:you|patients) leave\b",
    r"\bhold (?:on )?(?:all )?(?:your )?(?:future )?(?:care|treatment)\b",
    r"\bhold treatment\b",
    r"\b(?:won'?t|will not|can'?t|cannot) (?:see|treat) you\b[^.?!]{0,30}\b(?:until|unless|if)\b",
    r"\b(?:hold|withhold)\w* (?:your )?records\b",
    r"\bhold records\b",
    r"\b(?:husband|wife|spouse|household|family)'?s? (?:credit|score)\b",
    r"\bagainst the whole household\b",
    r"\bwarrants? (?:can|could|will|may) be issued\b",
    r"\b(?:accrue\w*|compound\w*)\b[^.?!]{0,30}\binterest\b",
    r"\binterest\b[^.?!]{0,30}\bcompound\w*",
    r"\badd interest and (?:collection )?fees\b",
)
# Lawful for some, at the right time and with notice; a threat when used as pressure.
_LEGAL = rx(
    r"\bsue\b",
    r"\bsued\b",
    r"\bsuing\b",
    r"\blawsuits?\b",
    r"\blegal action\b",
    r"\btake you to court\b",
    r"\b(?:file|filed|filing) (?:a )?(?:suit|claim) against you\b",
    r"\bjudgm?ent against you\b",
    r"\bgarnish\w*",
    r"\b(?:put|place|file|attach)\w* a lien\b(?! on (?:the|your|any) (?:settlement|claim|recovery|award|case))",
    r"\blien on (?:your |the )?(?:house|home|property|car|estate)\b",
    r"\b(?:tak(?:e|es|ing|en)|drag\w*|see) (?:you|them|it|this|the (?:debt|account)) (?:to|into|in) court\b",
    r"\bsmall claims\b",
    r"\bfiles? suit\b",
    r"\bfile in\b[^.?!]{0,20}\bcourt\b",
    r"\bcourt (?:date|summons)\b",
    r"\bour (?:lawyers|attorneys)\b",
    r"\bwage (?:garnishment|attachment)\b",
    r"\bseiz(?:e|ed|ing)\b",
    r"\bfreeze your (?:bank|account)\b",
    r"\bgoes? (?:straight )?to (?:legal|court)\b",
    r"\b(?:passing|pass|send|sent|turn)\w* (?:it |the file |the account )?(?:over )?to "
    r"(?:legal|our lawyers?|the attorney|collections attorney)\b",
    r"\battorney files?\b",
    r"\bfiles? papers\b",
    r"\breviewed for suit\b",
    r"\bjudge\b",
    r"\bjudgm?ent (?:against|gets entered|is entered|entered)\b",
    r"\blien\b[^.?!]{0,30}\b(?:home|house|property|car)\b",
    r"\btake what it needs\b",
    r"\bstraight from your bank\b",
    r"\blegal team\b",
    r"\bto legal\b",
)
_CREDIT = rx(
    r"\breport\w*\b[^.?!]{0,30}\bto (?:the |all three |all )?(?:credit|three) (?:bureaus?|agencies|reporting)",
    r"\breport\w* (?:it |this |that |you )?(?:to|on) your credit\b",
    r"\b(?:report|send|submit|list)\w* (?:it |this |that |you |the (?:account|debt|balance) )?to (?:the )?(?:credit|three) "
    r"(?:bureaus?|agencies|reporting)",
    r"\b(?:hurt|damage|hit|affect|lower|drop|impact)\w* (?:to |on )?(?:your|the) credit\b",
    r"\b(?:go|goes|show up|shows up|end up|ends up|appear|appears|post|posts|be|stay|stays|land|lands) (?:on|in) your credit\b",
    r"\bon your credit (?:report|file|score|history)\b",
    r"\bcredit score (?:will|would|could|can|may|is going to)\b",
    r"\bstays? (?:there )?(?:for )?seven years\b",
    r"\breported to (?:all )?(?:three|the) (?:credit )?bureaus\b",
    r"\b(?:your )?score (?:drops|will drop|goes down|dragging|takes a hit)\b",
    r"\bdragging your score\b",
    r"\bon your (?:credit )?report\b",
)
_COLLECTIONS = rx(
    r"\b(?:send|turn|refer|hand|transfer|place|move|assign|go|goes|going|sent|placed)\w* (?:it |you |this |that |"
    r"your (?:account|balance|bill) |the (?:account|balance|bill) )?(?:over |out )?to (?:a |an |our |the )?"
    r"(?:outside )?(?:collections?|collection agency|bad debt)\b",
    r"\bin(?:to)? collections\b",
)

_URGENT = rx(
    r"\bthis (?:week|month)\b",
    r"\bnext week\b",
    r"\bright away\b",
    r"\bthat same day\b",
    r"\bexpires\b",
    r"\bafter today\b",
    r"\bbefore (?:five|noon|friday|monday|the end)\b",
    r"\bcall before\b",
    r"\bmy hands are tied\b",
    r"\btoday\b",
    r"\btonight\b",
    r"\btomorrow\b",
    r"\bright (?:now|away)\b",
    r"\bimmediately\b",
    r"\bby (?:the )?end of (?:the )?(?:day|week|business)\b",
    r"\bthis (?:week|afternoon|morning|evening)\b",
    r"\bby (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    r"\bwithin (?:24|48|72) hours\b",
    r"\b(?:in|within) (?:a|one|two|three|\d) days?\b",
    r"\bbefore you hang up\b",
    r"\bunless you pay\b",
    r"\bno choice but\b",
    r"\bhave no option but\b",
    r"\bwill have to\b",
    r"\bfinal warning\b",
    r"\blast chance\b",
)
_MODAL = rx(r"\b(?:may|might|could|can)\b", r"\bwould (?:only|not|be)\b", r"\bpossible\b", r"\bpossibly\b")
_CONDITION = rx(r"\bif\b", r"\bunless\b", r"\bafter\b", r"\bonce\b", r"\bwhen\b", r"\bonly\b", r"\bbefore\b", r"\buntil\b")
_TIME = rx(
    r"\b\d{2,3} days\b",
    r"\b(?:thirty|sixty|ninety|a hundred and twenty|120|240|30|60|90|180) days?\b",
    r"\b(?:a|one) year\b",
    r"\bmonths?\b",
    r"\bwritten notice\b",
    r"\bnotice\b",
    r"\bletter\b",
)
_OPTIONS = rx(
    r"\bpayment plan\b",
    r"\bfinancial (?:assistance|aid|help)\b",
    r"\bcharity care\b",
    r"\bapply\w*\b",
    r"\bapplication\b",
    r"\bplan in place\b",
    r"\boptions?\b",
    r"\bassistance\b",
    r"\bhold\b",
)


@dataclass(frozen=True)
class Consequence:
    kind: str  # severe | legal | credit | collections
    start: int
    end: int
    verdict: str  # threat | pressure | notice | reassurance


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


# "past the time limit for a lawsuit" names the law's limit, not a step anyone will take
_LIMIT_BEFORE = rx(
    r"(?:time limit|too old|statute of limitations|deadline|limit|past the time|old enough) for (?:a |any )?$",
    r"\b(?:time|right|ability)\b[^.?!]{0,25}\bto $",
    r"\btoo old (?:for (?:us|anyone|them|a court) )?to $",
)


def consequences(text: str, collector: bool = False, time_barred: bool = False) -> list[Consequence]:
    out = []
    for kind, start, end in _kind_spans(text):
        if kind == "collections" and collector:  # a collector naming its own work threatens nothing
            continue
        if kind == "legal" and _LIMIT_BEFORE.search(text[max(0, start - 40) : start]):
            continue
        if negated(text, start, end):
            out.append(Consequence(kind, start, end, "reassurance"))
            continue
        sentence = sentence_at(text, start, end, ".?!\n")
        urgent = bool(_URGENT.search(sentence))
        lawful_form = bool(_MODAL.search(sentence) and (_CONDITION.search(sentence) or _TIME.search(sentence))) or bool(
            _TIME.search(sentence) and _OPTIONS.search(sentence) and _CONDITION.search(sentence)
        )
        if kind == "severe" or (kind == "legal" and time_barred):
            verdict = "threat"
        elif kind == "legal":  # a collector names no lawsuit at all; a provider only as a dated notice
            verdict = "notice" if lawful_form and not urgent and not collector and _TIME.search(sentence) else "threat"
        elif urgent:  # an ultimatum turns a lawful step into a threat
            verdict = "threat"
        else:
            verdict = "notice" if lawful_form else "pressure"
        out.append(Consequence(kind, start, end, verdict))
    return out
