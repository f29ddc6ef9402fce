"""Find what a reply does ("apologized", "offered_payment_plan" …) and where it does it."""

from __future__ import annotations

import re

from .text import find_all, rx, sentence_at
from .threats import consequences

Span = tuple[int, int]
Hits = dict[str, list[Span]]  # each move found, with where it was said

# The pattern tables are laid out by hand, so that they read against each other.
# fmt: off
_FEELING = (r"frustrat\w*|stress\w*|scar\w*|upset\w*|overwhelm\w*|confus\w*|hard|difficult|worr\w*|"
            r"a lot|frighten\w*|awful|anxious|anxiety|angry|unfair|exhaust\w*|painful|devastat\w*|"
            r"alarming|shock\w*|surpris\w*|heartbreak\w*|terrible|annoy\w*|upsetting|discourag\w*|embarrass\w*|"
            r"nervous|afraid|terrif\w*|ashamed|heavy|tough|rough|a blow|a lot to (?:carry|handle|take in|deal with)|"
            r"hurt\w*|grie\w+|lonely|alone|panick\w*|helpless|unsettling|maddening|infuriating|exasperat\w*")

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"

# Each move: a pattern, and whether a negation just before a match cancels it
# ("we will not send this to collections" is not a threat).
PATTERNS: dict[str, tuple[re.Pattern[str], bool]] = {
    "introduced": (rx(r"\bmy name is \w+", r"\bthis is \w+(?: \w+)? (?:from|with|in|at) ",
                      r"\bi'?m \w+(?: \w+)? (?:from|with|in|at) (?:the )?\w+",
                      r"\bi am \w+ (?:from|with|in) "), True),
    "verified_identity": (rx(
        r"\b(?:verify|confirm|check)\w* (?:your|the patient'?s|his|her|their|a few|some|who)\b[^.?!]{0,40}",
        r"\b(?:date of birth|birth ?date|dob|last four of your social|address on (?:the|your) account)\b",
        r"\bbefore (?:I|we) (?:share|discuss|go over|look at|talk about|can discuss)\b"), True),
    "acknowledged_feeling": (rx(
        rf"\b(?:that|this|it|which)(?: must| would| can| could)? (?:sounds?|be|is|feels?|seems?|'s)(?: really| so| very| incredibly| understandably| completely| pretty| truly)?(?: to be)? (?:{_FEELING})",
        rf"\bthat'?s(?: really| so| very)? (?:{_FEELING})",
        rf"\byou(?:'re| are| sound| seem| must be| must feel| feel| have every right to be)(?: really| so| very| understandably)? (?:{_FEELING}|upset|angry|worried|scared)",
        r"\bi (?:can )?(?:hear|see|imagine|understand) (?:how|that|why|what) (?:you|this|it|that)\b[^.?!]{0,40}",
        r"\b(?:anyone|most people) would (?:be|feel)\b", r"\bit makes (?:complete |total )?sense (?:that|you|to)\b",
        r"\bsorry (?:for|about) your loss\b", r"\bmy condolences\b", r"\bno wonder you\b",
        r"\bi(?:'d| would) (?:be|feel) (?:the same|upset|worried|frustrated)",
        r"\byour (?:frustration|worry|concern|feelings?) (?:is|are|makes?) (?:completely |totally )?(?:valid|understandable|fair)",
        r"\b(?:understandably|naturally) (?:upset|worried|frustrated|concerned)",
        r"\b(?:of course|no wonder) (?:you'?re|you are|you'?d be|you feel)\b[^.?!]{0,30}",
        rf"\b(?:being|feeling) (?:{_FEELING})\b[^.?!]{{0,30}}\b(?:makes (?:complete |total |perfect )?sense|is (?:normal|understandable|okay|ok))",
        rf"\b(?:{_FEELING})\b[^.?!]{{0,40}}\b(?:makes (?:complete |total |perfect )?sense|is understandable|is completely normal)",
        rf"\b(?:is|are|was|sounds?|feels?|must be|must feel|would be) (?:so |really |very |incredibly |truly )?(?:{_FEELING})\b",
        rf"\byou(?:'re| are) (?:clearly|obviously|understandably) (?:{_FEELING}|worried|upset|scared)",
        r"\b(?:please )?don'?t (?:be|feel) (?:embarrassed|ashamed|bad|stupid|silly|guilty)\b",
        r"\byou(?:'re| are) not (?:stupid|silly|alone|the only one|in trouble|a bad person)\b",
        r"\b(?:happens to|plenty of|lots of|many|so many|almost nobody|most people)\b[^.?!]{0,30}\b(?:people|patients|families|folks|learns|knows|understands)\b",
        r"\btake (?:all )?the time you need\b", r"\b(?:there'?s )?no rush\b",
        r"\bi'?m so sorry (?:for|about|to hear)\b", r"\bi'?m sorry (?:for|about) (?:your|the) loss\b",
        r"\bthat'?s a (?:real|big|huge|lot|shock)\b[^.?!]{0,20}", r"\bsounds like a lot\b",
        r"\b(?:it'?s|that'?s) (?:clear|obvious) (?:that )?you (?:care|want|love|'re)\b", r"\bi can tell (?:that )?you (?:care|love|want|'re)\b",
        r"\bit'?s (?:so |really )?(?:kind|good|thoughtful|brave|smart) of you\b", r"\bwould (?:really )?(?:hurt|sting|be hard|be tough)\b",
        r"\bsounds like (?:a|an) (?:really |very |incredibly )?(?:hard|tough|rough|difficult|awful|stressful|scary) (?:time|season|year|stretch|week|month)\b",
        rf"\bi (?:can )?(?:hear|see|imagine|understand|know) (?:how|just how) (?:{_FEELING})"), False),
    "apologized": (rx(r"\b(?:i'?m|i am|we'?re|we are)(?: so| very| truly| really| deeply)? sorry\b",
                      r"\bi (?:sincerely )?apologi[sz]e\b", r"\bmy apologies\b", r"\bour apologies\b",
                      r"\bthat'?s on us\b", r"\bwe (?:dropped the ball|made a mistake|should have|messed up|got (?:it|this) wrong)",
                      r"\b(?:that|this) (?:should not|shouldn'?t) have happened"), True),
    "explored": (rx(r"\b(?:can|could|would) you (?:tell|walk|help) me (?:more|about|what|how|through|understand)",
                    r"\bwhat (?:worries|concerns|matters|would help|would work|is (?:weighing|worrying)|part)\b[^.?!]{0,40}\?",
                    r"\bhow (?:are you|is this|has this been|would that)\b[^.?!]{0,40}\?",
                    r"\bis there anything (?:else )?(?:that )?(?:is )?(?:worr|concern|going on|on your mind|you'?d like)",
                    r"\bhelp me understand\b", r"\bwhat'?s (?:going on|been happening|worrying you)",
                    r"\btell me (?:more|what|about)\b", r"\bwhat questions do you have\b"), True),
    "gave_amount": (rx(r"\$\s?\d[\d,]*(?:\.\d{1,2})?", r"\b\d[\d,]*(?:\.\d{2})? dollars\b", r"\b\d{1,3} ?(?:%|percent)\b"), True),
    "gave_date": (rx(rf"\b{_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?\b", r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
                     r"\b(?:within|in|over) (?:the next )?(?:\d+|one|two|three|five|seven|ten|thirty|fourteen) (?:business )?(?:days?|weeks?|months?)\b",
                     r"\b(?:by|on|this|next) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month)\b",
                     r"\b(?:today|tomorrow)\b"), True),
    "next_step": (rx(r"(?:^|[.!?]\s+)(?:please |just |so )?(?:bring|call|send|mail|fill|sign|keep|check|look|use|go|ask|show|watch|"
                     r"take|write|save|apply|return|upload|email|text|expect|wait for|hold on to)\b[^.?!]{3,}[.!]",
                     r"\b(?:the )?next step\b", r"\bwhat happens next\b", r"\bhere'?s what (?:I|we)'?(?:ll| will)? ?(?:do|happens)",
                     r"\b(?:i|we)(?:'ll| will| am going to| are going to|'m going to|'re going to)(?: also| then| now| personally| first)? (?!not\b|never\b|be able\b|see\b|have to\b|need to\b)[a-z]+",
                     r"\b(?:please )?(?:call|mail|send|bring|apply|sign|fill (?:it |this )?out|return|email|upload|fax|drop off)\b[^.?!]{0,40}\b(?:by|before|within|today|tomorrow|this week)\b",
                     r"\byou(?:'ll| will) (?:get|receive|see|hear)\b", r"\bif you can (?:send|bring|fill|sign)\b",
                     r"\b(?:once|after|when) (?:you|we|i) (?:get|receive|send|hear|have)\b"), True),
    "teach_back": (rx(r"\b(?:can|could|would) you (?:tell|repeat|explain|say|walk) (?:it |that |this |me )*back\b",
                      r"\bin your own words\b", r"\bto make sure (?:i|I) (?:explained|was clear|did a good job)",
                      r"\bwhat (?:will|would) you (?:do|tell|say)\b[^.?!]{0,30}\?",
                      r"\bjust so i know (?:i|I) (?:explained|was clear)",
                      r"\bcan you tell me what (?:you'?ll|you will|happens)\b",
                      r"\b(?:repeat|read|say|walk me through) (?:it|that|this|them|the \w+)? ?back\b", r"\bplease repeat\b",
                      r"\bwhat (?:\w+ ){0,4}(?:will|would|do|should|are) you (?:do|send|bring|tell|need|say|remember|mail|call|expect|pay|owe|sign|fill)\b[^.?!]{0,40}\?",
                      r"\bwhat'?s the (?:deadline|date|amount|number|next step|plan|first step)\b[^.?!]{0,40}\?",
                      r"\b(?:i want|i'?d like) to (?:be sure|make sure|check) (?:i|I) (?:was|explained|made|got)\b",
                      r"\bto check (?:i|I) (?:explained|was clear)\b", r"\bin your words\b"), True),
    "thanked": (rx(r"\bthank(?:s| you)\b", r"\bi appreciate (?:you|your)\b"), True),
    "offered_payment_plan": (rx(r"\bpayment (?:plan|arrangement|schedule)s?\b", r"\bmonthly (?:payments?|installments?)\b",
                                r"\b(?:pay|paying) (?:it |this |that )?(?:over time|in (?:installments|parts|smaller amounts))",
                                r"\bspread (?:it|that|this|the (?:balance|payments?|cost))(?: out)? over\b",
                                r"\binstallments?\b", r"\$\s?\d+ (?:a|per|each) month\b", r"\bplan with no interest\b",
                                r"\bsmaller payments\b"), False),
    "offered_financial_assistance": (rx(r"\bfinancial (?:assistance|aid|help|counsel\w*)\b", r"\bcharity care\b",
                                        r"\bassistance (?:program|policy|application)\b",
                                        r"\b(?:apply|qualify|screen\w*|eligible) for (?:help|assistance|a discount|medicaid|a reduction|free care|reduced)",
                                        r"\bsliding[- ]scale\b", r"\bhardship (?:discount|program|application|policy)\b",
                                        r"\bmedicaid\b", r"\bbased on (?:your )?(?:household )?income\b",
                                        r"\bfree or (?:reduced|discounted) care\b",
                                        r"\basistencia financiera\b|\bayuda financiera\b"), True),
    "offered_itemized_bill": (rx(r"\bitemi[sz]ed\b", r"\bline[- ]by[- ]line\b",
                                 r"\b(?:list|breakdown) of (?:every|each|all|the) (?:charge|service|item)s?\b"), False),
    "offered_estimate": (rx(r"\b(?:good[- ]faith|written|price|cost) estimate\b", r"\bestimate (?:of|for) (?:your|the) (?:cost|charges|surgery|procedure|care)\b",
                            r"\bgood faith\b", r"\bgfe\b", r"\bestimado\b"), False),
    "offered_interpreter": (rx(r"\binterpret\w*\b", r"\btranslat\w*\b", r"\blanguage line\b", r"\bint[eé]rprete\b",
                               r"\bin (?:spanish|your language|español)\b"), False),
    "offered_supervisor": (rx(r"\bsupervisor\b", r"\bmanager\b", r"\bescalat\w*\b", r"\bpatient advocate\b",
                              r"\bombuds\w*\b", r"\bgrievance\b", r"\bpatient relations\b"), False),
    "offered_appeal": (rx(r"\bappeal\w*\b", r"\bresubmit\w*\b", r"\breprocess\w*\b", r"\bpeer[- ]to[- ]peer\b",
                          r"\bretro\w* (?:auth\w*|approval)\b", r"\b(?:send|file) the claim (?:back|again)\b",
                          r"\bcorrected claim\b", r"\breconsider\w*\b"), False),
    "gave_mini_miranda": (rx(r"\battempt to collect a debt\b", r"\binformation (?:obtained|we get|you give)\b[^.]{0,40}\bused for that purpose\b",
                             r"\bthis (?:communication )?is from a debt collector\b",
                             r"\b(?:i'?m|i am|we'?re|we are) (?:with|from|calling from) a debt collector\b"), True),
    "honoured_dispute": (rx(r"\b(?:pause|hold|stop|suspend|freeze)\w* (?:all |any )?(?:the |your )?(?:collection|account|billing|calls|activity)\w*",
                            r"\b(?:send|mail|get) you (?:written )?(?:verification|validation|proof)\b",
                            r"\bverif(?:y|ication of) (?:the|this|that) (?:debt|balance|charges?)\b",
                            r"\b(?:note|mark|flag|record|log)\w* (?:it|the account|this|that|your account) as (?:in )?disput\w*",
                            r"\bput (?:a|the|your account on) (?:hold|dispute)\b", r"\bon hold\b",
                            r"\bopen (?:a|an) (?:dispute|review|investigation)\b", r"\bwon'?t (?:ask|pursue) (?:you )?(?:for )?(?:payment|collection)"), True),
    "asked_payment": (rx(r"\b(?:can|could|would|will) you (?:pay|make (?:a|the) payment|put \w+ on a card|take care of (?:the|this|that) (?:balance|bill))",
                         r"\bhow (?:much|would you like to pay|do you want to pay)\b[^.?!]{0,25}(?:pay|today|now)",
                         r"\b(?:pay|paying|payment|paid) (?:it )?(?:in full )?(?:today|now|right now|right away|immediately|up front|upfront|first)\b",
                         r"\b(?:do you have|what kind of|what'?s your|got any) (?:any )?(?:health )?insurance\b",
                         r"\bfinancial (?:responsibility|consent) form\b",
                         r"\b(?:card number|credit card|debit card|bank account number)\b",
                         r"\b(?:take|collect|process|run) (?:a |your |the )?(?:payment|card)\b",
                         r"\b(?:the )?full (?:balance|amount) (?:is )?(?:due|today|now)\b", r"\bsettle (?:this|the balance|it|the account)\b",
                         r"\bjust pay\b", r"\bpayment (?:is )?(?:due|required|expected)\b", r"\byou can pay\b[^.?!]{0,30}\b(?:today|now|online|by card|over the phone)\b", r"\bwhat insurance\b", r"\binsurance card\b"), True),
    "blamed": (rx(r"\byou should(?:'ve| have| really have| really| know| read| check)\b", r"\byou (?:didn'?t|did not|failed to|never) (?:read|check|call|pay|verify|get|send|look|bother|update|tell)",
                  r"\byour (?:own )?(?:fault|responsibility|problem|mistake)\b",
                  r"\b(?:that|it)(?:'s| is) (?:on you|not our (?:fault|problem))\b", r"\byou (?:were|are) supposed to\b",
                  r"\bif you had (?:read|checked|called|paid)\b", r"\bit'?s (?:clearly |all )?(?:in|on) your (?:policy|plan|paperwork)\b",
                  r"\byou signed\b", r"\bshould(?:'ve| have) known\b", r"\bthe rest of us\b",
                  r"\bnext time,? (?:read|check|call|pay|ask)\b"), True),
    "dismissed": (rx(r"\bcalm down\b", r"(?:^|[.!?,]\s*)(?:just |please )?relax\b", r"\byou need to relax\b", r"\b(?:it'?s|that'?s|it is|that is) (?:only|just) (?:\$|\d|a few|a little|\w+ (?:bucks|dollars))",
                     r"\bsurely you can\b", r"\bthat'?s between you and\b", r"\bi (?:just|only) (?:do|handle|work)\b",
                     r"\b(?:crying|getting upset|yelling)\b[^.?!]{0,20}\b(?:won'?t|doesn'?t|will not)\b",
                     r"\bi know you'?re (?:upset|frustrated|angry|worried), but\b", r"\byour call\.",
                     r"\bnot (?:a big deal|that much|that bad|a lot of money)\b", r"\bnothing (?:i|we) can do\b",
                     r"\b(?:that'?s|it'?s) (?:just )?(?:how|the way) (?:it|things) (?:is|are|works?)\b",
                     r"\bnot my (?:problem|department|job)\b", r"\boverreact\w*", r"\bi don'?t make the rules\b",
                     r"\bwhatever(?=[.!,]|$)", r"\bpolicy is policy\b", r"\bjust pay\b", r"\beveryone (?:has|gets) (?:to pay|bills)\b",
                     r"\byou'?re not the only one\b", r"\bdeal with it\b", r"\bi can'?t help you\b"), True),
    "sarcasm": (rx(r"\bi'?m (?:SO|so|sure|terribly) sorry (?:that )?you (?:didn'?t|couldn'?t|can'?t|don'?t|weren'?t|chose)",
                   r"\bcongratulations on (?:not|ignoring|missing|forgetting)\b", r"\bgood luck with that\b", r"(?:^|[.!?]\s+)obviously\b", r"\bas i (?:already )?(?:said|told you|explained)\b",
                   r"\blike i (?:said|told you)\b", r"\bdid you even\b", r"\bnews flash\b", r"\bwelcome to\b",
                   r"\bi'?m sorry you feel that way\b", r"\bsorry,? not sorry\b", r"\bwell,? excuse me\b",
                   # contempt: mocking, insulting or brushing off the caller
                   r"\bcongratulations,? you\b", r"\boh,? i'?m sure you\b", r"\boh,? great\b", r"(?:^|[.!?]\s+)sure\.\s*$",
                   r"\bugh\b", r"\byeah,? yeah\b", r"(?:^|[.!?]\s+)next\.\s*$", r"\bpretty obvious\b", r"\bcan you (?:even )?read\b",
                   r"\bsob story\b", r"\b(?:is|kind of) insulting\b", r"\bhelicopter\b", r"\btill you'?re dead\b", r"\byou picked (?:it|that|this)\b",
                   r"\bmaybe don'?t (?:schedule|get|have|go|call|come|book)\b", r"\bless nice than me\b", r"\bduh\b", r"\bseriously\?", r"\bwhat did you expect\b",
                   r"\bbecause you owe\b", r"\bif she wants you to know\b|\bif he wants you to know\b"), True),
    "support": (rx(r"\blet'?s (?:work|figure|look|go|see|sort|get|find)\b", r"\btogether\b",
                   r"\b(?:i|we)(?:'ll| will|'m going to| am going to| can) (?:help|make sure|stay with you|take care of|work with you|walk you through|find)",
                   r"\bi'?m (?:here|happy) to help\b", r"\byou(?:'re| are) not alone\b", r"\bwe have options\b",
                   r"\b(?:there are|we have) (?:a few |some |several )?(?:options|ways)\b", r"\bi'?ve got you\b",
                   r"\bi'?m (?:right )?here (?:with you|for you)?\b", r"\bside by side\b", r"\bwith you on this\b",
                   r"\b(?:don'?t|do not) have to (?:figure|face|handle|do) (?:this|it)\b[^.?!]{0,20}\b(?:alone|on your own|by yourself)",
                   r"\b(?:one|a) (?:small )?step at a time\b", r"\b(?:take|get) (?:that|this) (?:worry|weight) off\b"), True),
    "respect": (rx(r"\bthank you for (?:calling|your patience|bringing|letting|reaching|telling|holding|sharing)",
                   r"\byou did the right thing\b", r"\bgood (?:question|thinking|call)\b", r"\bi appreciate (?:you|your)\b",
                   r"\bthat'?s a (?:fair|great|good|reasonable) question\b", r"\byou(?:'re| are) right\b",
                   r"\bi'?m glad you (?:told|called|asked|reached)\b", r"\b(?:asking|calling) (?:about|was) (?:this |that )?(?:is )?exactly (?:right|what)\b",
                   r"\byou(?:'re| are) not wrong\b"), True),
    "generic_empathy": (rx(r"\bi (?:completely |totally |fully )?understand\b", r"\bsorry for (?:the|any) inconvenience\b",
                           r"\bi hear you\b", r"\bi know\b"), True),
    "minimised": (rx(r"\b(?:just|only|simply) (?:a|the|your|\$|pay|call|sign|fill)\b"), True),
}

# Interpretation (EPITOME): the patient's situation or feeling put back in the reply's own words.
REFLECTION = rx(r"\b(?:it |that |this )?sounds like (?:you|your|the|this|that|things|it'?s|there'?s|a lot)\b",
                r"(?:^|[.!?]\s+)so (?:you'?re|you are|you'?ve|you have|you were|you feel|your|the)\b", r"\bwhat i'?m hearing\b",
                r"\bif i (?:understand|heard|follow) (?:you|that|this|correctly|right)\b",
                r"\byou(?:'re| are) (?:carrying|juggling|dealing with|handling|caught|stuck|trying to|looking after|taking care of|"
                r"holding|facing|up against|left with|doing (?:this|all|everything))\b",
                r"\byou'?ve (?:been|had) (?:\w+ing\b|a lot|to|so much|no)", r"\bit seems (?:like|that|as if) you\b",
                r"\byou (?:feel|felt) (?:like|that|as if)\b", r"\b(?:that|this) must (?:be|have been|feel)\b",
                r"\bwith (?:everything|all) (?:you'?re|you are|you'?ve|that'?s|that is)\b", r"\bon top of (?:everything|all|your|losing|the)\b",
                r"\byou(?:'re| are) (?:worried|afraid|scared|concerned) (?:that|about|this|it)\b")
# An open question to the listener about their situation (EPITOME: exploration), not a form to fill in.
_OPEN_START = re.compile(r"^\s*(?:and |so |but |okay,? |now,? )?(?:what|how|which|when|where|why|who|is there|are you|do you|"
                         r"would you(?: like)?|could you tell|can you tell|tell me|have you|is (?:anyone|someone)|"
                         r"is (?:this|that|it) (?:something|the))\b", re.IGNORECASE)
_LOGISTICS = re.compile(r"\b(?:date of birth|birth ?date|birthday|card|account (?:number|#)|member id|policy number|social|zip|"
                        r"address|spell|insurance|pay|payment|paid|owe|balance|ssn|phone number|middle name|last name|full name)\b",
                        re.IGNORECASE)
_LISTENER = re.compile(r"\b(?:you|your|you'?re|you'?ve|you'?d|yourself)\b", re.IGNORECASE)


_OPTION_DESCRIBED = re.compile(r"\boption (?:1|2|3|one|two|three)\b|\bif you (?:choose|pick)\b", re.IGNORECASE)


# fmt: on


def open_questions(text: str) -> list[Span]:
    """Questions that invite the listener to say more about themselves (no identity or payment questions)."""
    spans = []
    for m in re.finditer(r"[^.?!]*\?", text):
        q = m.group(0)
        lead = len(q) - len(q.lstrip())
        if _OPEN_START.match(q) and _LISTENER.search(q) and not _LOGISTICS.search(q):
            spans.append((m.start() + lead, m.end()))
    return spans


# Moves that show in the score's move list (the rest are internal cues).
# fmt: off
INTERNAL = {"reflected", "sarcasm", "support", "respect", "generic_empathy", "minimised", "threat", "threat_legal", "pressured",
            "lawful_notice"}


# Emphasis in capitals inside a normal sentence ("I'm SO sorry") reads as sarcasm on the phone.
_SHOUTED = re.compile(r"\b(?:SO|REALLY|VERY|TOTALLY|SUCH|SURE)\b")
# "anything you didn't get" describes charges; it does not blame.
_RELATIVE = re.compile(r"\b(?:anything|something|what|things|items|services|stuff|that|which)\s+$", re.IGNORECASE)


# fmt: on


def detect(text: str, collector: bool = False, time_barred: bool = False) -> Hits:
    hits: Hits = {}
    reflected = find_all(REFLECTION, text)
    if reflected:
        hits["reflected"] = reflected
    for c in consequences(text, collector, time_barred):
        key = {"threat": "threat", "pressure": "pressured", "notice": "lawful_notice"}.get(c.verdict)
        if key:
            hits.setdefault(key, []).append((c.start, c.end))
        if c.verdict == "threat" and c.kind == "legal":
            hits.setdefault("threat_legal", []).append((c.start, c.end))
    if "threat" in hits or "pressured" in hits:  # the move a branch or a cost sees
        hits["threatened"] = sorted(hits.get("threat", []) + hits.get("pressured", []))
    for name, (pattern, negatable) in PATTERNS.items():
        spans = find_all(pattern, text, allow_negated=not negatable)
        if name == "blamed":
            spans = [(a, b) for a, b in spans if not _RELATIVE.search(text[max(0, a - 20) : a])]
        if spans:
            hits[name] = spans
    if "asked_payment" in hits:  # describing an ABN option ("Option 2: you pay now") asks for nothing
        kept = [sp for sp in hits["asked_payment"] if not _OPTION_DESCRIBED.search(sentence_at(text, *sp, ".?!;:", ".?!;"))]
        if kept:
            hits["asked_payment"] = kept
        else:
            del hits["asked_payment"]
    explored = open_questions(text)
    if explored:
        hits["explored"] = sorted(set(hits.get("explored", []) + explored))
    if not text.isupper():
        shouted = [(m.start(), m.end()) for m in _SHOUTED.finditer(text)]
        if shouted:
            hits.setdefault("sarcasm", []).extend(shouted)
    return hits


# fmt: off
# Cues in the patient's line: what feeling or need the reply should answer.
PATIENT_CUES: dict[str, re.Pattern[str]] = {
    "emotion": rx(rf"\b(?:{_FEELING})\b", r"\b(?:upset|angry|furious|mad|scared|afraid|crying|cry|panick\w*|nervous|fed up|sick of|ridiculous|outrage\w*|insane|can'?t believe|unbelievable)\b",
                  r"!{1,}", r"\b(?:lost (?:my|our|him|her|his)|passed away|died|funeral|widow\w*|cancer|sick)\b",
                  # a worry without a feeling word is still a worry to answer
                  r"\bwill (?:this|it|that|i) (?:hurt|affect|ruin|damage|wreck|go on|show up|lose|still be able|be able)\b",
                  r"\b(?:can'?t|cannot|could) lose (?:my|our|the)\b", r"\bwhat (?:if|happens (?:if|when|to))\b",
                  r"\b(?:am i|are we) going to (?:lose|have to|be|get)\b", r"\bhow (?:am i|are we|do i|can i) (?:going to|supposed to|ever)\b",
                  r"\bi don'?t know (?:what|how|where|who) (?:to|i'?ll|i will|i'?m)\b", r"\b(?:the )?only one (?:handling|doing|paying|left|taking care)\b",
                  r"\b(?:dementia|alzheimer\w*|diagnos\w*|chemo\w*|hospice|surgery again|in the hospital|miscarr\w*|overdose|rehab)\b",
                  r"\b(?:behind on|evict\w*|foreclos\w*|lose (?:my|our) (?:house|home|apartment|car|job))\b", r"\bplease\b[^.?!]{0,30}\bhelp\b"),
    "hardship": rx(r"\b(?:can'?t|cannot|couldn'?t|unable to|no way i can) (?:afford|pay)\b", r"\blost (?:my|his|her) (?:job|work|income|husband|wife)\b",
                   r"\b(?:fixed|small|limited) income\b", r"\b(?:laid off|unemployed|out of work|no income|broke|behind on)\b",
                   r"\b(?:social security|disability check|pension)\b", r"\bdon'?t have (?:the |that kind of )?money\b",
                   r"\b(?:rent|groceries|food|medications?)\b.{0,30}\b(?:or|and)\b.{0,30}\b(?:bill|pay)\b"),
    "dispute": rx(r"\b(?:disput\w*|not my (?:debt|bill)|don'?t owe|overcharg\w*|charged twice|double[- ]billed|padding)\b",
                  r"\bnever (?:got|received|had|saw|ordered) (?:a|any|the|that|this|those) (?:bill|statement|notice|letter|service|test|"
                  r"procedure|surgery|visit|treatment|x-ray|scan|medication|tylenol)s?\b", r"\bnever (?:went|was seen|had it)\b",
                  r"\b(?:this|that|the bill|it|the charges?|the amount|the balance)(?:'s| is| was| looks| seems)(?: all)? (?:wrong|a mistake|an error|incorrect|too high)\b",
                  r"\bdidn'?t (?:have|get|receive|order|use) (?:that|this|those|these|the|any)\b", r"\$\d+ for (?:a|an|one|two|three)\b",
                  r"\bbilled (?:me )?for (?:something|things|stuff)\b"),
    "question": rx(r"\?"),
    "surprise_bill": rx(r"\bout[- ]of[- ]network\b", r"\b(?:radiolog|patholog|neonatolog|hospitalist|assistant surgeon)\w*",
                        r"\brushed to\b", r"\bair ambulance\b", r"\bnever (?:chose|picked|agreed|saw)\b", r"\banesthesi\w*",
                        r"\b(?:er|emergency(?: room)?) (?:doctor|physician)\b", r"\bdidn'?t (?:choose|pick)\b", r"\bsurprise bill\b"),
    "cost_question": rx(r"\bhow much\b", r"\bcost\b", r"\bprice\b", r"\bestimate\b", r"\bwhat will i (?:owe|pay)\b"),
}


# fmt: on


def patient_cues(line: str) -> set[str]:
    return {name for name, p in PATIENT_CUES.items() if p.search(line or "")}
