"""What the words say about the call when the scenario's state does not: the scorer's context, read from text.

State from the scenario only switches a duty on; the words can switch it on too
(a caller who says she is in the emergency room, has no insurance, speaks for her
husband or disputes the bill in any wording). Nothing read from the words switches
off a duty the state has set.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import ScoreContext
from .text import rx

_RELATIVE = (
    r"(?:husband|wife|spouse|partner|son|daughter|mother|father|mom|dad|mum|mama|papa|brother|sister|grandson|"
    r"granddaughter|grandmother|grandfather|grandma|grandpa|aunt|uncle|niece|nephew|neighbou?r|friend|boyfriend|"
    r"girlfriend|fianc[eé]e?|roommate|client|tenant|kid|child)"
)
_FOR_SOMEONE_ELSE = rx(
    rf"\b(?:calling|call|ringing|asking|here) (?:about|for|on behalf of|regarding) my (?:late )?{_RELATIVE}\b",
    rf"\bi'?m (?:his|her|their|the patient'?s) (?:{_RELATIVE}|caregiver|guardian)\b",
    rf"\bthis is (?:his|her|their) (?:{_RELATIVE}|caregiver)\b",
    rf"\bmy (?:late )?{_RELATIVE}'?s (?:bill|account|balance|statement|claim|charges?|visit|surgery|stay)\b",
    r"\b(?:he|she)'?s? not (?:home|here|available)\b",
    r"\bwho'?s calling\b",
    r"\bcan i take a message\b",
    r"\bwrong number\b",
    r"\bno one by that name\b",
)
_ER = r"(?:the |your |an )?(?:er|e\.r\.|emergency (?:room|department)|ed)\b"
_EMERGENCY = rx(
    rf"\b(?:i'?m|i am|we'?re|we are|he'?s|she'?s|he is|she is|my \w+'?s|my \w+ is) (?:sitting |waiting |standing |still |here |"
    rf"now |currently |right now |lying )?(?:in|at) {_ER}",
    rf"\b(?:sitting|waiting|standing|lying|just got here) (?:in|at) {_ER}",
    r"\b(?:er|emergency (?:room|department))\b[^.?!]{0,20}\b(?:right now|waiting room|lobby)\b",
    r"\b(?:i think (?:i|she|he|we)|(?:i|she|he) (?:just|may have)) broke\b",
    r"\bthrowing up\b",
    r"\bfever of\b",
    r"\bhit (?:his|her|my) head\b",
    r"\b(?:it'?s|having) a (?:stroke|heart attack)\b",
    r"\b(?:my|his|her) (?:chest|stomach|head) (?:hurts|is killing)\b",
    r"\bcan'?t breathe\b",
    r"\bi'?m bleeding\b",
    r"\b(?:i'?m|she'?s|i am|she is) in labou?r\b",
    r"\bemergency\b[^.?!]{0,25}\b(?:right now|now|waiting|before (?:they|the doctor|anyone) (?:see|sees|treat))\b",
)
_NO_INSURANCE = rx(
    r"\b(?:no|don'?t have|without|lost my|never had|can'?t afford) (?:health )?insurance\b",
    r"\buninsured\b",
    r"\bself[- ]pay\b",
    r"\bpaying (?:cash|out of pocket) (?:for|because)\b",
    r"\bnot insured\b",
    r"\bmy insurance (?:ended|lapsed|ran out|was cancell?ed)\b",
)
_DISPUTE = rx(
    r"\b(?:don'?t|do not) (?:think|believe) i owe\b",
    r"\b(?:want|need|demand|send me) (?:some )?proof\b",
    r"\bprove it\b",
    r"\b(?:isn'?t|is not|not) (?:my|mine)\b(?! fault)",
    r"\bnot mine\b",
    r"\bnever (?:had|got|received|ordered|went|was)\b",
    r"\b(?:already|just) paid\b",
    r"\bidentity (?:theft|was stolen)\b",
    r"\bsomeone (?:used|stole) my\b",
    r"\bwrong (?:person|patient|account|amount|bill)\b",
    r"\b(?:dispute|disputing|disputed)\b",
    r"\b(?:this|that|it|the bill|the charge)(?:'s| is| was| looks| seems) (?:wrong|a mistake|an error|incorrect)\b",
    r"\bcharged (?:me )?twice\b",
    r"\bdouble[- ]billed\b",
    r"\bdon'?t owe\b",
    r"\bvalidation\b",
    r"\bfraud\w*\b",
    r"\bnot (?:paying|going to pay) (?:for )?(?:something|what)\b",
)
_HARDSHIP = rx(
    r"\b(?:can'?t|cannot|couldn'?t|unable to|no way (?:i|we) can|won'?t be able to) (?:afford|pay|swing|cover|manage)\b",
    r"\b(?:lost|losing) (?:my|his|her|our) (?:job|work|income|house|home|husband|wife|hours)\b",
    r"\b(?:fixed|small|limited|low) income\b",
    r"\b(?:laid off|unemployed|out of work|no income|broke|behind on|evict\w*)\b",
    r"\b(?:on|live on|living on|only (?:get|have)|just (?:get|have)) (?:social security|disability|ssi|a pension|food stamps|snap)\b",
    r"\b(?:social security|disability|ssi|pension) (?:check|income|is all|is (?:my|our) only)\b",
    r"\b(?:don'?t|do not) have (?:the |that kind of |any |enough )?money\b",
    r"\bliving (?:paycheck|check) to\b",
    r"\b(?:rent|groceries|food|medicine|medications?|insulin|utilities|heat)\b[^.?!]{0,40}\b(?:or|and|instead)\b",
    r"\bhours (?:got |were )?cut\b",
    r"\bstruggling\b",
    r"\bbarely (?:making|getting|scraping)\b",
    r"\b(?:bankrupt|bankruptcy)\b",
    r"\bchoose between\b",
)
_COLLECTOR_SELF = rx(
    r"\b(?:this is|calling from|calling on behalf of|(?:i'?m|i am) \w+ (?:from|with)) [\w&' ]{0,30}\b(?:collections?|recovery|receivables|"
    r"credit (?:services|bureau)|debt)\b(?: (?:agency|services|group|partners|bureau))?",
    r"\b(?:we|i) (?:are|am) a (?:debt )?collect(?:or|ion agency)\b",
    r"\bdebt collector\b",
)

_BANKRUPTCY = rx(
    r"\bcase (?:number|no\.?)\b[^.?!]{0,10}\b\d{2}-\d{3,6}\b",
    r"\b(?:filed|filing|file) (?:for )?(?:bankruptcy|chapter (?:7|13|seven|thirteen))\b",
    r"\bchapter (?:7|13|seven|thirteen)\b",
    r"\bbankrupt\w*\b",
    r"\bbankruptcy (?:case|attorney|lawyer|petition)\b",
    r"\bautomatic stay\b",
    r"\bin bankruptcy\b",
)
_CEASE = rx(
    r"\bstop (?:calling|texting|emailing|contacting|sending)\b",
    r"\b(?:don'?t|do not|never) (?:call|text|email|send)\b",
    r"\bonly call (?:me )?(?:after|before|at)\b",
    r"\bdon'?t consent\b",
    r"\b(?:call|contact) my (?:lawyer|attorney)\b",
    r"\b(?:lawyer|attorney)\b[^.?!]{0,40}\b(?:handling|represents|representing)\b",
    r"\bmy (?:attorney|lawyer) is\b",
    r"\b(?:written request|letter)\b[^.?!]{0,40}\bstop\b",
    r"\bleave me alone\b",
    r"\b(?:talk|speak) to my (?:lawyer|attorney)\b",
    r"\bi have (?:a|an) (?:lawyer|attorney)\b",
    r"\bmy (?:lawyer|attorney) (?:is|will)\b",
    r"\b(?:quit|stop) (?:harass\w*|contacting)\b",
    r"\bcease\b",
    r"\bno more calls\b",
)
_QMB = rx(r"\bqmb\b", r"\bqualified medicare beneficiary\b", r"\bmedicare savings program\b")
_CONFIDENTIAL = rx(
    r"\b(?:only|please) call (?:me )?(?:on |at )?my (?:cell|work|mobile)\b",
    r"\bnever (?:the|my) (?:house|home) (?:phone|number)\b",
    r"\b(?:sent|send|go|going|mailed) to (?:my|a) (?:sister'?s?|brother'?s?|friend'?s?|work|p\.?o\.? box|office)\b",
    r"\b(?:bills?|statements?) (?:going|sent|mailed) to (?:their|my parents'?|his|her)\b",
    r"\bsomewhere else\b",
    r"\bp\.?o\.? box\b",
    r"\bcall me at work\b",
    r"\bwork address\b",
    r"\bisn'?t safe\b",
    r"\b(?:don'?t|do not|never) (?:send|mail|call)\b[^.?!]{0,40}\b(?:home|house|husband|wife|partner|parents?|mom|dad|"
    r"boyfriend|girlfriend)\b",
    r"\b(?:another|different|other|safe|work) (?:address|phone|number)\b",
    r"\bconfidential\w*\b",
    r"\b(?:he|she|they) (?:can'?t|cannot|mustn'?t) (?:know|find out|see)\b",
)
_RELAY = rx(
    r"\brelay\b",
    r"\basl\b",
    r"\bblind\b",
    r"\blow vision\b",
    r"\bbraille\b",
    r"\bvrs\b",
    r"\btty\b",
    r"\btext telephone\b",
    r"\bsign language\b",
    r"\b(?:deaf|hard of hearing)\b",
)

_TIME_BARRED = rx(
    r"\bstatute of limitations\b",
    r"\bpast the (?:time limit|limit)\b",
    r"\btoo old (?:to|for)\b",
    r"\btime[- ]barred\b",
    r"\bfrom (?:19\d\d|200\d|201[0-8])\b",
    r"\bold debts?\b",
)
_LANGUAGE = rx(
    r"\b(?:no hablo|hablo|español|spanish|my english|english (?:no|not|is not|isn'?t) (?:good|great))\b",
    r"\binterpreter\b",
    r"\btranslat\w*\b",
    r"\b(?:little|no|not much|poco) english\b",
    r"\b(?:portuguese|vietnamese|chinese|mandarin|cantonese|russian|arabic|haitian|creole|korean|tagalog|polish|somali)\b",
    r"\b(?:mi hijo|mi hija|señora|gracias|por favor|no entiendo)\b",
    r"\bi no (?:understand|speak|comprendo)\b",
    r"\bno understand\b",
)


@dataclass(frozen=True)
class Inferred:
    third_party_caller: bool
    emergency: bool
    self_pay: bool
    dispute: bool
    dispute_now: bool  # this very line disputes the debt
    hardship: bool
    collector: bool
    bankruptcy: bool
    cease_requested: bool
    qmb: bool
    confidential_request: bool
    relay: bool
    time_barred: bool
    language: bool


def infer(ctx: ScoreContext, reply: str) -> Inferred:
    """The call as the state and the words describe it (state wins when it switches a duty on)."""
    line = ctx.patient_line or ""
    st = ctx.state
    third = (not st.caller_is_patient) or (not st.identity_verified and bool(_FOR_SOMEONE_ELSE.search(line)))
    return Inferred(
        third_party_caller=third and not st.third_party_authorized,
        emergency=st.emergency_unscreened or bool(_EMERGENCY.search(line)),
        self_pay=st.self_pay or bool(_NO_INSURANCE.search(line)),
        dispute=st.dispute_raised or bool(_DISPUTE.search(line)),
        dispute_now=bool(_DISPUTE.search(line)),
        hardship=st.hardship_voiced or bool(_HARDSHIP.search(line)),
        collector=ctx.collector or bool(_COLLECTOR_SELF.search(reply)),
        bankruptcy=bool(_BANKRUPTCY.search(line) or _BANKRUPTCY.search(reply)),
        cease_requested=bool(_CEASE.search(line)),
        qmb=bool(_QMB.search(line)) or "qmb-billing-prohibition" in ctx.rules,
        confidential_request=bool(_CONFIDENTIAL.search(line)),
        relay=bool(_RELAY.search(line)),
        time_barred="time-barred-debt" in ctx.rules or bool(_TIME_BARRED.search(line) or _TIME_BARRED.search(reply)),
        language=bool(_LANGUAGE.search(line)),
    )
