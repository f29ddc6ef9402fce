"""The words compliance looks for: account details, disclosures, card data, breaches and credits.

Patterns only; compliance.py decides when each one matters.
"""

from __future__ import annotations

import re

from .text import rx

# The pattern tables are laid out by hand, so that they read against each other.
# fmt: off
# Account details: a claim's or bill's status, or what someone owes (amounts are checked separately).
ACCOUNT = rx(r"\b(?:from|for) the (?:ultrasound|ct scan|biopsy|ekg|lab work|bloodwork|x-ray|mri|surgery|er visit)\b", r"\b(?:your|his|her|their) (?:balance|bill|account|claim|charges?|statement|visit|surgery|mri|procedure|"
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
ABOUT_PATIENT = rx(r"\b(?:he|she) had (?!to\b)\w", r"\b(?:his|her|their) (?:overdue |past[- ]due |unpaid |outstanding )?(?:mri |er |surgery |hospital |medical )?(?:balance|debt)\b",
                   r"\b(?:he|she)(?: still)? (?:owes?|has had|was (?:seen|treated|admitted|billed|here|in)|went|came in|got)\b",
                    r"\b(?:his|her) (?:balance|bill|claim|visit|surgery|mri|procedure|scan|test|stay|charges?|deductible|"
                    r"copay|treatment|diagnosis|appointment)\b[^.?!]{0,30}\b(?:is|was|were|shows?|came|for|on|from|went|got)\b",
                    r"\b(?:from|for) (?:his|her) \w+(?: \w+)? (?:treatment|visit|surgery|stay|care|scan|test)\b",
                    r"\bi can see (?:it|his|her|the)\b")
# A sentence about the account: an amount in it is an account detail, not a general price.
ACCOUNT_SENTENCE = rx(r"\bdue\b", r"\bi see (?:a|an)\b", r"\byour\b", r"\byou (?:still )?owe\b", r"\b(?:his|her|their|he|she)\b", r"\bbalance\b", r"\baccount\b",
                       r"\bclaim\b", r"\bbill\b", r"\bstatement\b",
                       r"\b(?:from|in|on) (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\b", r"\bon the \d")
AUTH_CHECK = rx(r"\bauthori[sz]\w*\b", r"\bpermission\b", r"\bconsent\b", r"\bcourt order\b", r"\bpersonal representative\b", r"\b(?:executor|executrix|administrator) of\b",
                 r"\b(?:her|his|their|the patient'?s) (?:permission|consent|ok)\b", r"\bcan'?t (?:share|discuss|give out|go over)\b",
                 r"\bcannot (?:share|discuss|give out)\b", r"\bprivacy (?:rules?|law)\b", r"\bhipaa\b", r"\bpower of attorney\b",
                 r"\bletters? (?:of|testamentary)\b")
CARD_DIGITS = re.compile(r"\b(?:\d[ -]?){13,19}\b")
SCREEN_FIRST = rx(r"\b(?:seen|treated|examined|screened|cared for) (?:first|regardless|no matter)\b", r"\bcare comes first\b",
                   r"\b(?:regardless of|no matter) (?:your )?(?:ability to pay|insurance|cost)\b",
                   r"\bnot (?:going to )?(?:delay|affect) (?:your )?(?:care|being seen)\b",
                   r"\bafter (?:you'?re|you are|you have been|you'?ve been|the doctor has) (?:seen|examined|screened|checked)\b")
PROTECTED = rx(r"\bprotect\w*\b", r"\bin-network (?:rate|cost|amount|price|share)\b", r"\bno surprises act\b",
                r"\bshould(?:n'?t| not) (?:have to )?pay (?:more than|the out-of-network)\b", r"\bbalance[- ]bill\w* (?:is|isn'?t|are) not allowed\b")
OWE_OON = rx(r"\byou (?:will |'ll )?(?:have to |need to |still )?(?:owe|pay) (?:the )?(?:full|out-of-network|whole|entire) (?:\$|amount|balance|difference|bill|charges?)",
              r"\b(?:out-of-network|balance) (?:bill|charges?) (?:is|are) your responsibility\b",
              r"\b(?:is|are) (?:all )?yours\b", r"\byou(?:'re| are) responsible for (?:the )?(?:full|whole|entire|out-of-network)\b",
              r"\byou(?:'ll| will)? (?:have|need) to pay (?:it|this|that)\b", r"\b(?:that'?s|it'?s) (?:just )?how out[- ]of[- ]network works\b",
              r"\bthose happen\b")
PROMISE = rx(r"\bi (?:guarantee|promise)\b", r"\b(?:will|'ll) (?:definitely |just )?(?:go away|disappear|be (?:erased|forgiven|wiped))\b",
              r"\byou (?:won'?t|will not|don'?t) owe (?:anything|a thing|a cent)\b", r"\bdon'?t worry about (?:it|the bill|paying)\b")
# Sending an emergency patient away, or making care wait on paperwork, breaches EMTALA.
ED_DETERRENT = rx(r"\burgent care\b", r"\bwhether you'?d (?:like|want) to stay\b", r"\b(?:think about|decide) (?:whether|if) you\b",
                  r"\b(?:it'?s your (?:call|choice)|up to you)\b", r"\bwalk-in clinic\b", r"\bcheck with your insur\w+ (?:before|first)\b",
                  r"\bcall your insurance\b[^.?!]{0,40}\bfirst\b", r"\bprior auth\w*\b[^.?!]{0,30}\bfirst\b", r"\b(?:cheaper|less expensive) (?:elsewhere|somewhere|down the street|at)\b",
                   r"\bgo (?:somewhere else|elsewhere|home and)\b", r"\bsign\w*\b[^.?!]{0,40}\b(?:first|before (?:you'?re|you are|we) )",
                   r"\b(?:before|until) (?:you'?re|you are|you can be|we can) (?:seen|treated|see you)\b[^.?!]{0,30}\b(?:pay|insurance|deposit|card|form)")
# Misleading statements that push a patient to pay.
MISLEADING = rx(r"\b(?:federal|the) (?:government|law) requires (?:every|all) patients? to pay\b", r"\b(?:all|every) (?:medical )?bills? (?:go|goes|get|gets) (?:reported|on|to) (?:your )?credit\b",
                 r"\bmedicare will (?:definitely |still |probably )?(?:cover|pay)\b",
                 r"\b(?:just a formality|everyone signs)\b", r"\bsign (?:it )?or (?:don'?t|else)\b",
                 r"\bif you don'?t sign\b[^.?!]{0,40}\b(?:can'?t|won'?t)\b",
                 r"\bmost (?:patients|people)(?: in your situation| like you)? just (?:pay|put|charge)\b",
                 r"\beobs? (?:is|are) (?:a |the |your )?(?:final )?bills?\b",
                 r"\b(?:help|improve|raise) your credit(?: score)?\b", r"\bkeep (?:the |your )?credits? on file\b",
                 r"\bcan'?t refund (?:it |you )?until\b", r"\bjust pay (?:the|it|whatever|what)\b",
                 r"\bpay\b[^.?!]{0,30}\bto avoid\b", r"\b(?:is|are) (?:all )?yours\b(?=[^.?!]{0,40}(?:out of network|out-of-network))",
                 r"\bout[- ]of[- ]network\b[^.?!]{0,40}\b(?:is|are) (?:all )?yours\b")
URGENCY = rx(r"\b(?:today|right now|right away|immediately|before you hang up)\b")
FAMILY_INTERPRETER = rx(r"\b(?:your|a|her|his) (?:son|daughter|child|kid|grandson|granddaughter|neighbou?r|friend|relative|sister|brother|"
                        r"husband|wife|family member) (?:can|could|to|will) (?:translate|interpret|explain|help you go|read)",
                        r"\bput your (?:son|daughter|child|kid|husband|wife|sister|brother|friend) on\b",
                        r"\b(?:find|ask|bring|get) (?:a|your) (?:friend|relative|family member|neighbou?r|son|daughter|sister|brother) (?:to )?"
                        r"(?:interpret|translate|help)\b")
INTERPRETER_REFUSED = rx(r"\b(?:won'?t|don'?t|do not|will not) need (?:an )?interpreter\b", r"\bjust try in english\b",
                         r"\bonly (?:handles|speaks?|does) english\b", r"(?<!no )(?<!free of )\b(?:fee|charge|costs)\b[^.?!]{0,30}\binterpret\w*\b",
                         r"\binterpret\w*\b(?:(?!\bfree\b|\bno (?:cost|charge)\b)[^.?!]){0,30}\b(?:a fee|\$\d+ fee|billed to)\b",
                         r"\bcall back with someone who speaks\b", r"\bdon'?t have (?:\w+ )?interpreters\b",
                         r"\bmail the plan in english\b", r"\bquicker than (?:calling )?the interpreter\b",
                         r"\byour english is (?:fine|good enough)\b")
ABN_EXPLAINED = rx(r"\b(?:abn|advance beneficiary notice)\b", r"\bmedicare (?:may|might) not (?:pay|cover)\b", r"\byou (?:can|may) choose\b")
ABN_PRESSURE = rx(r"\bjust sign\b", r"\bhave to sign\b", r"\bsign (?:it|here) (?:or|and)\b",
                  r"(?<!can )(?<!could )(?<!may )(?<!you )\b(?:pick|check|tick|ticking|go with|recommend|suggest)\w*\b[^.?!]{0,25}"
                  r"\b(?:option|box) (?:2|two)\b(?! or)",
                  r"\bmost (?:people|patients) (?:pick|choose|go with) option (?:2|two)\b", r"\bcheck the second box\b",
                  r"\b(?:just|only) (?:standard|routine) paperwork\b", r"\b(?:don'?t|do not) (?:really )?need to read\b",
                  r"\bcan (?:be )?sign\w* (?:it )?(?:afterward|later|after)\b",
                  r"\bsign (?:the form|the abn|it)\b[^.?!]{0,40}\b(?:pay|take the \$|\$\d)",
                  r"\byou'?ll need to pick option\b")


# Rules a context brings in by itself when the scenario names none (e.g. a corpus line).
ABN_CUE = rx(r"\b(?:abn|advance beneficiary|sign (?:this|that|the|a) (?:form|paper|notice)|medicare (?:won'?t|might not|may not))\b",
             r"\boption (?:1|2|3|one|two|three)\b", r"\bwhich option\b")

# Card data asked for aloud, read back, written down or kept (PCI DSS v4.0.1 3.2.1, 3.3.1, 3.4.1).
CARD_ASKED = rx(r"\b(?:include|and|then|plus|with)\b[^.?!]{0,15}\b(?:the )?(?:security code|cvv2?|cvc|csc|(?:little |three[- ]digit |3[- ]digit )?"
                r"code on the back|three[- ]digit code|3[- ]digit code)\b",
                r"\bread me the (?:full |long |whole )?number\b", r"\bsay the number\b", r"\bsend (?:the |your )?card (?:number|details)\b",
                r"\b(?:number|card)\b[^.?!]{0,40}\bto my inbox\b", r"\b(?:full |whole )?number and (?:the )?code\b",
                r"\b(?:read|give|tell|say|call out)\w* (?:me |us )?(?:off )?(?:your |the )?(?:full )?(?:card|credit card|debit card) "
                r"(?:number|digits)\b", r"\bwhat(?:'s| is) (?:your |the )?(?:full )?(?:card|credit card|debit card) number\b",
                r"\b(?:the )?(?:16|sixteen|long) (?:numbers|digits)\b", r"\b(?:card|credit card|debit card) number(?:,| and| then)\b",
                r"\b(?:read|give|tell|say)\w* (?:me |us )?(?:the )?(?:security code|cvv|cvc|three digits|3 digits|code on the back)\b",
                r"\bwhat(?:'s| is) (?:the |your )?(?:security code|cvv|cvc|code on the back)\b",
                r"\b(?:go ahead|sure|okay|ok)\b[^.?!]{0,20}\b(?:read|give)\w* (?:me |us )?(?:it|the (?:number|card))\b")
CARD_KEPT = rx(r"\b(?:jot|write|note|add|put|save)\w*\b[^.?!]{0,40}\b(?:on a note|on (?:your|the) (?:registration )?sheet|"
               r"in(?:to)? (?:your |the )?(?:account )?notes|for (?:her|his|your) next visit)\b",
               r"\b(?:save|store|keep|write down|jot|note|record|file|put)\w*\b[^.?!]{0,40}\b(?:security code|cvv|cvc|three[- ]digit code|"
               r"code on the back)\b",
               r"\b(?:security code|cvv|cvc|code on the back)\b[^.?!]{0,40}\b(?:on file|for next time|for later|in (?:the|your) "
               r"(?:notes|account|file))\b",
               r"\b(?:write|jot|note|put)\w* (?:down |in )?(?:your |the )?(?:card|credit card) (?:number|details)\b",
               r"\b(?:card|credit card) (?:number|details)\b[^.?!]{0,25}\b(?:in|into) (?:the |your )?(?:notes|account notes|comments)\b",
               r"\bread (?:that|the|your) card(?: number)? back\b", r"\bcard number (?:is|was) \d",
               r"\blet me read (?:it|that|those) back\b(?=[^.?!]{0,40}\b(?:card|\d{4}))")
SECURE_PAYMENT = rx(r"\bsecure (?:payment )?(?:line|system|portal|link|keypad|ivr)\b", r"\b(?:key|type|enter|punch) (?:it |them |the numbers )?"
                    r"(?:in|into) (?:your|the) (?:phone|keypad)\b", r"\bautomated (?:payment )?line\b", r"\bpatient portal\b",
                    r"\bnever (?:ask|read|write|keep|store)\b[^.?!]{0,30}\b(?:card|security code)\b")
# The patient starts reading card digits aloud: a reply that does not stop them lets card data onto the recording.
CARD_READ_ALOUD = rx(r"\b(?:my )?card number is\b", r"\b\d{4}[ -]\d{4}\b", r"\bhere'?s (?:my|the) card number\b",
                     r"\b(?:card|visa|mastercard|amex|discover)\b[^?!]{0,60}\b(?:zero|one|two|three|four|five|six|seven|eight|nine)"
                     r"(?:[-,] ?(?:zero|one|two|three|four|five|six|seven|eight|nine)){2,}\b", r"\b(?:security code|cvv) is\b")
CARD_STOPPED = rx(r"\bstop\b", r"\bplease don'?t\b", r"\bdon'?t (?:read|say|give|finish)\b", r"\bhold on\b", r"\bwait\b", r"\bpause\b",
                  r"\bsecure\b", r"\bkeypad\b", r"\bportal\b", r"\bautomated\b", r"\bnot (?:over|on) the phone\b", r"\bno need to read\b")
SECURE_FAILED = rx(r"\b(?:won'?t|doesn'?t|isn'?t|can'?t) work\w*\b", r"\bkeeps hanging up\b", r"\bis down\b")
# Someone told about the patient before: a past disclosure is still a disclosure.
PAST_DISCLOSURE = rx(r"\bwhen (?:your|the|her|his) (?:neighbou?r|sister|brother|dad|mom|father|mother|roommate|coworker|boss|son|daughter) "
                     r"(?:answered|called|picked up|asked)\b[^.?!]{0,60}\b(?:balance|bill|surgery|visit|debt|account|owe|date|reason)\b",
                     r"\b(?:i|we) (?:told|let) (?:her|him|them)\b(?: know)?[^.?!]{0,30}\b(?:about )?(?:your|the) (?:\$[\d,]+ )?(?:outstanding )?"
                     r"(?:balance|bill|surgery|debt|account)\b",
                     r"\bjust the (?:er |visit |surgery )?(?:date|reason|balance|amount)\b",
                     r"\b(?:i|we|someone|our office|the office|my colleague)(?: already| also)? (?:told|mentioned|explained|let|gave|"
                     r"left (?:a )?message (?:with|for))\b[^.?!]{0,30}\b(?:your|his|her) (?:neighbou?r|sister|brother|boss|employer|"
                     r"roommate|friend|son|daughter|mother|father|mom|dad|wife|husband|coworker|landlord)\b",
                     r"\bleft (?:the )?(?:details|balance|amount)\b[^.?!]{0,40}\b(?:with|on) (?:your|the|his|her) "
                     r"(?:neighbou?r|voicemail at work|work|roommate|sister|brother|son|daughter)\b")
# Health details: a condition, a test or a stay is protected health information.
HEALTH_DETAIL = rx(r"\b(?:he|she|your (?:son|daughter|wife|husband|mother|father|mom|dad))(?: was| is| has been)? "
                   r"(?:diagnosed|pregnant|admitted|treated|tested|in rehab|on (?:methadone|suboxone))\b",
                   r"\b(?:his|her) (?:diagnosis|test results?|pregnancy|overdose|rehab|psychiatric|mental health|std|hiv|"
                   r"chemo\w*|prescription|medication|x-ray|lab work|ultrasound|ct scan|mri)\b",
                   r"\b(?:he|she) (?:came|was brought) (?:in|into the er|to the er) (?:for|with|after)\b")
# The debt named to a caller before right-party contact (FDCPA 1692b, 1692c(b)).
DEBT_NAMED = rx(r"\b(?:unpaid|overdue|past[- ]due|outstanding|delinquent)\b[^.?!]{0,15}\b(?:bill|balance|debt|account)\b",
                r"\bhospital (?:balance|debt|bill)\b", r"\b(?:a |the |an )?(?:debt|past[- ]due|overdue|unpaid|outstanding|delinquent) (?:balance|bill|account|debt|amount)\b",
                r"\b(?:owes?|owed|owing)\b", r"\bcollect\w*\b", r"\bin collections\b", r"\bmedical (?:bill|debt|balance)\b",
                r"\battempt to collect\b")
# Financial assistance denied without screening, or put behind a payment.
ASSISTANCE_DENIED = rx(r"\b(?:assistance|charity|aid|program)\b[^.?!]{0,30}\bonly for (?:people|patients|those)\b",
                       r"\bwouldn'?t (?:fit|cover|apply to) (?:you|someone)\b",
                       r"\b(?:financial assistance|assistance|charity care)\b[^.?!]{0,20}\b(?:isn'?t|is not|no longer|not) (?:available|an option|possible)\b",
                       r"\b(?:too late|past that point)\b[^.?!]{0,20}\b(?:to apply|for assistance|to ask)\b", r"\bclosed to you\b",
                       r"\byou'?d have needed to ask\b", r"\btoo late to apply\b",
                       r"(?<!if )(?<!If )(?<!in case )\byou (?:don'?t|do not|wouldn'?t|would not|won'?t|will not|probably don'?t) qualify\b",
                       r"\byou(?:'re| are) not eligible (?:for|to)\b", r"\byou (?:make|earn) too much\b",
                       r"\b(?:financial assistance|charity care|assistance) (?:is|are) (?:only|just) for\b",
                       r"\bno point (?:in )?applying\b", r"\b(?:don'?t|do not) bother applying\b",
                       r"\b(?:we )?(?:don'?t|do not) (?:have|offer) (?:any )?(?:financial assistance|charity|discounts?|help)\b",
                       r"\bnot (?:for|meant for) people like you\b")
ASSISTANCE_CONDITIONAL = rx(r"\b(?:first|before)\b[^.?!]{0,40}\b(?:payment|deposit|\$\d)[^.?!]{0,60}\b(?:then|after that|before)\b[^.?!]{0,40}"
                            r"\b(?:apply|application|assistance)",
                            r"\b(?:if|once) you (?:can |could )?(?:make|pay|set up|put)\b[^.?!]{0,90}\b(?:apply|application|assistance)\w*",
                            r"\byou(?:'ll| will)? (?:need to |have to |must |should )?(?:first )?(?:pay|put down|make (?:a|the) (?:payment|deposit))\b"
                            r"[^.?!]{0,50}\b(?:before|first|then|and then)\b[^.?!]{0,40}\b(?:apply|application|assistance|qualify|"
                            r"charity|screen)\w*",
                            r"\b(?:we|i) (?:need|require|have to (?:get|collect))\b[^.?!]{0,30}\b(?:payment|deposit|\$\d[\d,]*)\b[^.?!]{0,30}"
                            r"\bbefore\b[^.?!]{0,30}\b(?:apply|application|assistance|qualify|charity|screen)\w*",
                            r"\b(?:once|after|when|only if|only once) (?:you(?:'ve)?|you have) (?:pay|paid|made|make|put)\b[^.?!]{0,40}"
                            r"\b(?:apply|application|assistance|qualify|charity|screen)\w*",
                            r"\b(?:apply|application|assistance|qualify|charity)\w*\b[^.?!]{0,40}\b(?:only )?(?:after|once|if) you "
                            r"(?:pay|put down|make a (?:payment|deposit))\b",
                            r"\bbefore (?:we )?(?:let|allow) you (?:to )?apply\b")
# A relative told they owe another person's debt, in any wording.
FAMILY_LIABILITY = rx(r"\byou(?:'re| are| will be| become|'ll be)? (?:now |personally |legally )?(?:responsible|liable|on the hook) "
                      r"for (?:his|her|their|your (?:late )?(?:husband|wife|son|daughter|mother|father|mom|dad|spouse))\b",
                      r"\b(?:his|her|their) (?:bills?|debts?|balance|account)\b[^.?!]{0,30}\b(?:pass(?:es)?|go(?:es)?|transfer\w*|"
                      r"fall(?:s)?|become(?:s)?) (?:on |onto |over )?(?:to )?(?:you|the family|the spouse)\b",
                      r"\b(?:as|since you(?:'re| are)) (?:his|her) (?:wife|husband|spouse|son|daughter|child|next of kin)\b[^.?!]{0,40}"
                      r"\b(?:you|you'?ll|you will) (?:have to|must|need to|owe|pay)\b",
                      r"\byou (?:inherit|take over|assume)\w* (?:his|her|their|the) (?:debts?|bills?|balance)\b",
                      r"\b(?:the )?(?:family|spouse|next of kin|children|kids) (?:has|have|must|need) to (?:pay|cover)\b",
                      r"\b(?:it'?s|they'?re|that'?s|those are) (?:all )?yours now\b", r"\bsomebody has to pay\b",
                      r"\b(?:the )?spouse (?:is|becomes) (?:the )?(?:guarantor|responsible)\b",
                      r"\b(?:under|by) (?:the )?law\b[^.?!]{0,40}\b(?:you|the family)\b[^.?!]{0,20}\b(?:owe|pay|responsible)\b",
                      r"\b(?:debts?|bills?|balance|remaining balance)\b[^.?!]{0,20}\b(?:passes|pass|falls|fall|goes|comes|come|would come)\b[^.?!]{0,15}"
                      r"\b(?:to|on) (?:you|the family|the children|the kids)\b",
                      r"\bthe law passes\b[^.?!]{0,40}\b(?:children|family|spouse|you)\b",
                      r"\b(?:your|the family'?s) responsibility now\b", r"\byou'?(?:re| are) (?:the one )?responsible now\b",
                      r"\bnext in line\b", r"\bfamilies (?:usually |often )?take (?:these|the|such) bills? over\b",
                      r"\b(?:liable|responsible) for (?:household members'?|family members'?)\b",
                      r"\b(?:take care of|pay|cover) (?:his|her|their) (?:balance|bill|debt)s? yourself\b",
                      r"\badd (?:his|her|their) (?:balance|bill)s? to your account\b")
# Care made to wait on money (EMTALA): payment, insurance or a copay before the screening.
PAY_BEFORE_CARE = rx(r"\b(?:insurance|coverage|member id|copay|payment|card)\b[^.?!]{0,30}\bfirst\b[^.?!]{0,30}\bso (?:the )?(?:er|doctor|nurse|they|we) can\b",
                     r"(?:co-?pay|deposit|\$\s?\d|insurance|payment)\b[^.?!]{0,40}\b(?:and )?then\b[^.?!]{0,40}\b(?:doctor|nurse|triage|back|seen|exam|scan)\b",
                     r"\bonce (?:it'?s|the (?:deposit|copay|payment) is) (?:paid|verified|done)\b[^.?!]{0,40}\b(?:triage|doctor|seen|back|scan)\b",
                     r"\b(?:take|get) the insurance details\b[^.?!]{0,60}\b(?:so|then|once)\b",
                     r"\b(?:before|until) (?:the |a )?(?:doctor|nurse|provider|physician|anyone|someone|we) (?:can )?(?:sees?|see|look|"
                     r"treat|examine|check)\w*\b[^.?!]{0,60}\b(?:pay|copay|co-pay|deposit|insurance|card|\$\d)",
                     r"\b(?:pay|copay|co-pay|deposit|insurance|card|\$\d)[^.?!]{0,60}\b(?:before|until) (?:the |a )?(?:doctor|nurse|"
                     r"provider|physician|anyone|someone|we|you(?:'re| are| can be)) (?:can )?(?:sees?|see|seen|look|treat\w*|examine\w*|check\w*)\b",
                     r"\bwe (?:need|require|have to (?:get|collect)) (?:your |the |a )?(?:\$\d[\d,]*|copay|co-pay|deposit|payment|"
                     r"insurance (?:card|information))\b[^.?!]{0,40}\b(?:first|before|now)\b")
# A collector told to stop who carries on (FDCPA 1692c(c), Reg F 1006.14(h)).
KEEP_CALLING = rx(r"\byou'?ll keep getting (?:those|them|these)\b", r"\bkeep (?:the )?(?:\w+ ){0,2}(?:calls?|texts?|reminders?) going\b",
                  r"\b(?:still|keep|keeps|continue\w*|go on)\b[^.?!]{0,12}\b(?:call\w*|trying|try|contact\w*|text\w*|email\w*|"
                  r"send\w*|using|checking in|dial\w*|reminder\w*|working with you)\b",
                  r"\b(?:calls?|texts?|emails?|reminders?|messages?|dialer)\b[^.?!]{0,40}\b(?:continue|keep coming|will come|still come|go on|"
                  r"will keep|runs?)\b",
                  r"\byou(?:'ll| will| may| might) (?:still |keep |continue to )?(?:get|getting|hear|hearing|receive|receiving)\b[^.?!]{0,25}"
                  r"\b(?:calls?|texts?|from us|reminders?|statements?|messages?)\b",
                  r"\b(?:checked|check) in with you\b", r"\btalking with you directly\b", r"\bwon'?t bother your (?:lawyer|attorney)\b",
                  r"\b(?:we|i)(?:'ll| will)? (?:call|try|reach|contact|text) (?:you )?(?:back |again )?(?:next week|tomorrow|later|at work|"
                  r"on your cell|on this number|directly)\b",
                  r"\b(?:letters?|requests?|that) (?:don'?t|doesn'?t|won'?t) stop\b", r"\bhas to be (?:done )?in writing\b",
                  r"\bwe (?:have to|need to|must) (?:keep )?(?:call|contact)\b", r"\bstill (?:call|reach) you\b")
STOP_CALLING = rx(r"\b(?:stop|no more|won'?t (?:call|contact))\b[^.?!]{0,30}\b(?:calls?|calling|contact\w*)\b",
                  r"\b(?:mark|note|flag|update)\w*\b[^.?!]{0,40}\b(?:do not call|no calls|cease|represented|attorney|lawyer)\b",
                  r"\b(?:contact|call|deal with|speak with|talk to) your (?:attorney|lawyer)\b", r"\bonly (?:in writing|by mail)\b")
CALL_OFTEN = rx(r"\btry you (?:on )?(?:monday|tuesday|wednesday|thursday|friday)\b[^.?!]{0,20}\band\b", r"\b(?:call|calling|ring|try|trying|dial\w*|give you a (?:quick )?(?:courtesy )?(?:call|ring))\b[^.?!]{0,30}\b(?:every day|daily|"
                r"each day|every couple of hours|every hour|twice a day|several times|a few more times|and again|and the next day|"
                r"every day this week|until (?:you pay|we reach|someone answers|we finally|there'?s)|day and night|all day)\b",
                r"\b(?:keep|be) calling (?:you )?until\b", r"\bfollow up every day\b", r"\bkeeps dialing\b",
                r"\b(?:call|try) (?:you )?(?:back )?(?:tomorrow|on (?:monday|tuesday|wednesday|thursday|friday|saturday))\b[^.?!]{0,30}\b(?:and|again)\b",
                r"\b(?:i'?ll|we'?ll|i will|we will) (?:also )?(?:call|try|ring) you (?:back )?(?:tomorrow|on (?:monday|tuesday|wednesday|thursday|friday)|"
                r"later (?:today|this week)|in a (?:day|couple of days|few days))\b",
                r"\bthey'?ll keep coming\b", r"\bcourtesy call tomorrow\b")
# Medicare cost sharing asked of a QMB.
QMB_BILLED = rx(r"\balready paid stays\b", r"\bspread your \$?[\d,]* ?(?:hospital )?deductible\b", r"\breminder of the coinsurance\b",
                r"\bcoinsurance you owe\b", r"\byou (?:still )?(?:owe|need to pay|have to pay|are responsible for) (?:the |your )?(?:medicare )?(?:coinsurance|"
                r"deductible|copay|co-pay|20 percent|20%)\b", r"\b(?:coinsurance|deductible|copay)\b[^.?!]{0,30}\b(?:is|are) "
                r"(?:still )?(?:your responsibility|due|owed)\b")
# A confidential-communications request refused or questioned (45 CFR 164.522(b)).
CONFIDENTIAL_REFUSED = rx(r"\b(?:not able|unable|can'?t|cannot) to change (?:it|the address|where)\b[^.?!]{0,20}\bwithout a reason\b",
                          r"\bcan i ask why\b", r"\b(?:need|require)\w* (?:a |some )?(?:short )?reason\b", r"\bwithout a reason\b",
                          r"\b(?:if you can )?explain why\b", r"\bpolice report or (?:a )?protective order\b",
                          r"\b(?:have to|must) go to (?:their|the policyholder'?s?|your parents'?) (?:address|house)\b",
                          r"\b(?:still|only) (?:calls?|call|sends?|mails?)\b[^.?!]{0,30}\b(?:home|primary|number on (?:file|the account)|address on file)\b",
                          r"\bcan only call the primary number\b",
                          r"\b(?:only|can only) (?:send|mail|call)\b[^.?!]{0,30}\b(?:address|number|phone) on file\b",
                          r"\b(?:why|what'?s the reason)\b[^.?!]{0,40}\b(?:another|different|other) (?:address|phone|number)\b",
                          r"\b(?:need|have) to (?:know|tell me) why\b", r"\b(?:he|she|your (?:husband|wife|partner)) (?:has|have) a right to "
                          r"(?:know|see)\b", r"\bwe (?:can'?t|cannot|don'?t) (?:change|use) (?:a |another |a different )?(?:address|number|phone)\b")
# A relay call turned away, or a family member asked to interpret.
RELAY_REFUSED = rx(r"\b(?:please )?(?:tell|ask) (?:her|him|them) (?:that|whether|if)\b", r"\bcan'?t (?:verify|do)\b[^.?!]{0,30}\b(?:relay|interpreted)\b",
                   r"\bplease come in person\b", r"\bend this relay call\b", r"\bcall from a regular phone\b",
                   r"\b(?:family member|someone) (?:read|call)\b", r"\bhave someone call for you\b", r"\binterpreter costs are billed\b",
                   r"\bwe (?:don'?t|do not|can'?t|cannot) (?:take|accept|do|handle) (?:relay|these|those|tty|vrs)\b",
                   r"\b(?:have|ask|get) (?:a|your) (?:family member|relative|friend|son|daughter|husband|wife) (?:to )?(?:call|interpret|sign)\b",
                   r"\b(?:tell|ask) (?:the |your )?(?:interpreter|operator) (?:to tell (?:him|her|them)|that (?:he|she|they))\b",
                   r"\bcall (?:back )?(?:yourself|in person|when you can hear)\b")
# Any request for money, now or going on: where collecting is barred (a disputed debt at a collector, a
# bankruptcy stay, a QMB's cost sharing, a consumer who said stop), any of these is collecting.
PAYMENT_SOUGHT = rx(r"\b(?:payments?|balance|bill|amount|it|this|copays?|coinsurance|deductible) (?:is|are) (?:still )?(?:due|owed|"
                    r"expected|required|yours|your responsibility)\b",
                    r"\b(?:pay|send|put down|make|mail|take|charge|collect|draw|debit|pull)\w*\b[^.?!]{0,25}\$\s?\d[\d,]*(?:\.\d+)?(?![\d,.])"
                    r"(?!\s*(?:off|from your (?:bill|balance|account)|back))",
                    r"\$\s?\d[\d,]*\s*(?:today|now|this (?:month|week)|down|a month|per month|each month|monthly)\b",
                    r"\b(?:a |any |even a |at least a )?(?:small|good[- ]faith|partial|minimum|first|token) (?:good[- ]faith )?payments?\b",
                    r"\bkeep (?:your |the )?(?:\$\d+ )?(?:plan|payments?|paying|autopay|installments?)\b[^.?!]{0,15}",
                    r"\bkeep (?:up )?(?:the |your )?(?:monthly )?(?:plan|payments?)\b",
                    r"\b(?:keep|continue|continuing) (?:to )?(?:billing|invoicing|charging|collecting|collect|sending (?:you )?statements)\b",
                    r"\b(?:set|sets|setting) (?:it |this |one |something )?up (?:as )?(?:a |your |the )?(?:payment|plan|monthly)\b",
                    r"\bset up (?:a |your |the )?(?:small )?(?:payment|plan|monthly)\b", r"\bcollect first\b",
                    r"\b(?:pay|paying) (?:it |this |that |what you can |something )?(?:off )?(?:first|now|today|soon|before)\b",
                    r"\b(?:would|will|could|can) you (?:be able to )?(?:still )?(?:pay|cover|put (?:down|something|\$|even)|make (?:a|the|your|"
                    r"any) (?:\w+ )?payment|send (?:in |us |me )?(?:\$|a payment|something|the \$|a check|what you can))\b",
                    r"\b(?:like|want) to (?:make|put) (?:a|an|the)\b[^.?!]{0,20}\bpayment\b",
                    r"\b(?:first|your) payment\b", r"\bneed a payment\b", r"\btake (?:just )?\$\d", r"\bpayment (?:coming|going) out\b",
                    r"\b(?:full|whole|entire) (?:balance|amount)\b[^.?!]{0,20}\b(?:that day|today|due|now)\b", r"\bpay it off\b",
                    r"\bcharge (?:it |the \$?\d+ \w+ )?to your card\b", r"\b(?:charge|bill)\w* (?:you|it) (?:the|for the) (?:difference|rest|remaining)\b")
# Money talk in the emergency department before the screening, unless it is put after the care.
MONEY_TALK = rx(r"\bco-?pay\w*\b", r"\bdeposit\b", r"\bcard\b", r"\binsurance\b", r"\bmember id\b", r"\bmedicare number\b", r"\bmedicaid\b",
                r"\bcoverage\b", r"\bprior auth\w*\b", r"\bpayment\w*\b", r"\bpay\b", r"\$\s?\d", r"\bcost\w*\b", r"\bout[- ]of[- ]network\b",
                r"\bbalance\b", r"\bfinancial\b")
AFTER_CARE = rx(r"\bafter\b", r"\blater\b", r"\bafterward\w*\b", r"\bonce (?:you'?re|he'?s|she'?s|they'?ve|the doctor|you have been|you'?ve been)\b",
                r"\bno matter\b", r"\bregardless\b", r"\bwhether or not\b", r"\b(?:won'?t|will not|doesn'?t|does not) (?:affect|delay|change|matter)\b",
                r"\bcan wait\b", r"\bnot (?:needed|required)\b", r"\bfirst\b[^.?!]{0,25}\b(?:seen|care|doctor|exam|screen\w*|triage)\b",
                r"\b(?:seen|examined|screened|treated|cared for) first\b", r"\bor not\b", r"\bwith or without\b",
                r"\bnothing to do with\b", r"\bno bearing\b", r"\beveryone\b[^.?!]{0,40}\bseen\b")
# A patient's question about money ("That's cheaper, right?"): answering it is not raising money first.
MONEY_WORDS = rx(r"\bcost\w*\b", r"\bcheap\w*\b", r"\bexpensive\b", r"\bafford\b", r"\bmoney\b", r"\bbill\w*\b", r"\bpay\w*\b",
                 r"\binsurance\b", r"\bnetwork\b", r"\bco-?pay\b", r"\bprice\b", r"\bcharge\w*\b", r"\bowe\b", r"\$\s?\d")
# The patient's own worry about cost, named back to them: not money talk.
THEIR_WORRY = rx(r"\b(?:worried|worry|worries|concerned|scared|afraid|asking|asked|question|thinking) (?:about|of) (?:the |your |what it )?$")
# A written good-faith estimate refused, put off or made conditional (45 CFR 149.610).
GFE_DENIED = rx(r"\bestimates? are only for\b", r"\bwe don'?t give written estimates\b", r"\b(?:written |good[- ]faith )?estimates? (?:are|is) (?:only|just) for\b", r"\b(?:don'?t|do not) (?:give|do|send|provide) "
                r"(?:written |good[- ]faith )?estimates\b", r"\b(?:don'?t|do not) need a (?:written |good[- ]faith )?estimate\b",
                r"\bwait and send you the bill\b", r"\bgo over the final bill\b", r"\bthat'?s all we do\b",
                r"\bcan'?t send (?:you )?one\b", r"\bbill will come after\b",
                r"\b(?:if|once|after) you pay (?:the |a )?(?:deposit|fee|something|first)\b[^.?!]{0,40}\bestimate\b", r"\bestimates? confusing\b")
# Pressure that is not a threat: a deal that vanishes, a bill held back until paid, payment before an answer.
PRESSURE_TACTIC = rx(r"\bonly (?:lasts|good|valid|available|stands)\b[^.?!]{0,30}\b(?:while|until|today|now|on the phone)\b",
                     r"\bgone for good\b", r"\b(?:offer|discount|deal|settlement)\b[^.?!]{0,20}\b(?:expires?|off the table)\b",
                     r"\bitemi[sz]ed\b[^.?!]{0,50}\b(?:once|after|when|only if)\b[^.?!]{0,30}\b(?:paid|settled|pay)\w*\b",
                     r"\bfirst\b[^.?!]{0,20}\b(?:take|get|collect|process)\w* (?:the |a |your )?payment\b[^.?!]{0,60}\bthen\b",
                     r"\bcollect first\b", r"\bpolicy is to collect\b")
# Recurring debits or a stored card used again without the patient's written authorization (Reg E 1005.10(b)).
AUTOPAY = rx(r"\b(?:set|sets|setting) (?:up |you up (?:on|for) )?(?:the |an? )?(?:autopay|automatic (?:payments?|withdrawals?|debits?)|recurring|"
             r"monthly (?:debit|draft|withdrawal))",
             r"\b(?:i'?ll|we'?ll|i will|we will|let me|i can) (?:just |also |go ahead and ){0,3}(?:set up|start|debit|draw|pull|withdraw|take|"
             r"taking|charge|process)\w*\b[^.?!]{0,60}\b(?:from (?:your|that|the) (?:checking|account|bank)|automatically|each month|"
             r"every month|monthly|on the \d+(?:st|nd|rd|th)?|on the first)\b",
             r"\brouting and account numbers?\b[^.?!]{0,40}\b(?:start|take|taking|draw|debit)\w*",
             r"\bkeep (?:this|the|your) card on file and charge\b",
             r"\b(?:we'?ll|i'?ll|we will|i will) (?:also )?charge (?:next month'?s?|future|any future|the same card)\b",
             r"\bset the (?:autopay|plan) (?:up )?(?:myself|to draw)\b")
STOPPING = rx(r"\b(?:stop|cancel|end|turn off|pause|remove|switch off)\w*\b[^.?!,]{0,20}$")
AUTHORIZED = rx(r"\bsign(?:s|ed|ing)? (?:the|an|this|a|our) (?:form|authorization|agreement)\b", r"\bauthori[sz]\w*\b", r"\bwritten\b",
                r"\bin writing\b", r"\bconsent\b", r"\bpermission\b", r"\bsend you a copy\b", r"\bagree\w*\b", r"\bwould you like\b",
                r"\bdo you want\b", r"\bif you want\b", r"\byour choice\b", r"\boptional\b")
# A protected patient balance-billed (No Surprises Act, 45 CFR 149.410, 149.420).
BALANCE_BILLED = rx(r"\b(?:billed|bill|charge)\w* (?:to )?you\b[^.?!]{0,30}\b(?:the )?(?:balance|difference|rest|remaining)\b",
                    r"\b(?:remaining|the) (?:\$\s?[\d,]+ )?(?:is|are) billed to you\b", r"\bprotections? (?:don'?t|do not|doesn'?t) apply\b",
                    r"\b(?:set up a plan|payment plan|pay|six months to pay)\b[^.?!]{0,30}\b(?:for )?the (?:\$\s?[\d,]+ )?difference\b",
                    r"\byou'?ll (?:need to|have to) pay (?:their|the) bill\b", r"\bout[- ]of[- ]network (?:rates|charges) (?:do )?apply\b",
                    r"\bdifference\b[^.?!]{0,40}\b(?:stays|remains|is yours|on your account)\b",
                    r"\bdifference between our charge and what your plan allowed\b", r"\bbill you (?:for )?the rest\b")
# The reply itself names an out-of-network emergency bill: the surprise-billing protection applies.
EMERGENCY_OON = rx(r"\bout[- ]of[- ]network\b[^.?!]{0,40}\b(?:er|emergency)\b", r"\b(?:er|emergency)\b[^.?!]{0,40}\bout[- ]of[- ]network\b")
# A patient who already holds an estimate ("$500 over the estimate you gave me") needs no new one.
HAS_ESTIMATE = rx(r"\b(?:over|above|than|more than) (?:the|my|your) (?:good[- ]faith )?estimate\b", r"\bestimate (?:you|they) gave\b",
                  r"\bwhat you quoted\b")
