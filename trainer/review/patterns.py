"""What personal details look like in a call transcript: the patterns redact.py looks for.

Every pattern is bounded (no unbounded repeats of a group that can match the same
characters two ways), so a 2 MB transcript is scanned in well under a second.
"""

from __future__ import annotations

import re

I = re.IGNORECASE

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_UNIT = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEEN = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_ORDINAL = (
    r"(?:(?:twenty|thirty)[- ]?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|eleventh|"
    r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth"
)
_DAY = rf"(?:(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|{_ORDINAL})"
_YEAR_WORDS = (
    rf"(?:nineteen|twenty) (?:hundred|(?:oh |o )?{_UNIT}|{_TEEN}|{_TENS}(?:[- ]{_UNIT})?)|"
    rf"two thousand(?: and)?(?: (?:{_TEEN}|{_TENS}(?:[- ]{_UNIT})?|{_UNIT}))?"
)
_YEAR = rf"(?:(?:19|20)\d{{2}}|'\d{{2}}|{_YEAR_WORDS})"

# Dates in any common written or spoken form; numeric ones are checked for a real month and day.
DATES = [
    re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})(?![\d/-])"),
    re.compile(r"(?<![\d/.-])(?:19|20)\d{2}[-/.](0?[1-9]|1[0-2])[-/.](0?[1-9]|[12]\d|3[01])(?![\d/-])"),
    re.compile(r"(?<![\d/.$,-])(\d{1,2})/(\d{1,2})(?![\d/%-]|[.,]\d)"),
    re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}\b(?:,?\s+(?:of\s+)?{_YEAR}\b)?", I),
    re.compile(rf"(?<![$\d.,])\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?![a-z])(?:,?\s+{_YEAR}\b)?", I),
    re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?:(?:19|20)\d{{2}}|{_YEAR_WORDS})\b", I),
]
# A year alone is personal only as a year of birth.
BIRTH_YEAR = re.compile(rf"\b(?:born|birth|dob)\b[^.?!\n\d]{{0,20}}?\b((?:19|20)\d{{2}}|{_YEAR_WORDS})\b", I)
BIRTH_CUE = re.compile(r"\b(?:born|birth|dob|d\.o\.b|birthday|birthdate)\b", I)

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}\b")
SPOKEN_EMAIL = re.compile(
    r"\b[a-z0-9]{1,30}(?: (?:dot|underscore) [a-z0-9]{1,30}){0,3} at [a-z0-9]{1,30}"
    r"(?: dot [a-z0-9]{1,30}){0,2} dot (?:com|org|net|edu|gov|us|co|io|info)\b",
    I,
)
SSN = re.compile(r"(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])")
SSN_CUE = re.compile(r"\b(?:ssn|social security(?: number)?|social|last four)\b[^.?!\n\d]{0,30}?(\d{4}|\d{9})(?!\d)", I)
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
CARD_CODE = re.compile(
    r"\b(?:cvv2?|cvc|security code|code on the back|expiration|expiry|exp\.?)\b[^.?!\n\d]{0,20}?"
    r"(\d{3,4}|\d{1,2}/\d{2,4})(?!\d)",
    I,
)
PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)|"
    r"(?<![\w+])\+\d{1,3}(?:[ .-]?\d{2,4}){2,5}(?!\d)|(?<![\d-])\d{3}-\d{4}(?![\d-])"
)
# Numbers said after a word naming them: medical record, account, policy, member or claim numbers.
MRN = re.compile(
    r"\b(?:mrn|medical record(?: number| no\.?| #)?|record number|chart number|patient (?:id|number))"
    r"\b[\s:#.-]{0,3}(?:is\s+|number\s+)?([A-Z0-9][A-Z0-9-]{3,19})\b",
    I,
)
ACCOUNT = re.compile(
    r"\b(?:account|acct|policy|member(?: id)?|subscriber|claim|invoice|reference|ref|confirmation|"
    r"group|case|id)(?: (?:number|no\.?|#|id))?\b[\s:#.-]{0,3}(?:is\s+|ending in\s+|of\s+)?"
    r"([A-Z0-9][A-Z0-9-]{3,19})\b",
    I,
)
LONG_NUMBER = re.compile(r"(?<![\w$.,])(?:\d{6,}|[A-Z]{1,3}-?\d{5,})(?![\w]|[.,]\d)")
DIGIT_WORDS = re.compile(
    r"\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)[\s,-]{1,3}){5,24}"
    r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b",
    I,
)
ADDRESS = re.compile(
    r"\b\d{1,6}\s+(?:[A-Za-z][a-z']{1,20}\.?\s+){1,3}(?:street|st|avenue|ave|road|rd|drive|dr|lane|ln|"
    r"boulevard|blvd|court|ct|way|place|pl|circle|cir|terrace|parkway|pkwy|highway|hwy)\b"
    r"(?:,?\s+(?:apt|apartment|unit|suite|#)\s*#?\s*\w{1,6})?",
    I,
)
ZIP = re.compile(r"\b(?:zip(?: code)?|postal code)\b[\s:]{0,3}(?:is\s+)?(\d{5}(?:-\d{4})?)\b", I)

# The cue before a number that says what it is.
NUMBER_CUES = [
    ("ssn", re.compile(r"\b(?:ssn|social)\b", I)),
    ("card", re.compile(r"\b(?:card|visa|mastercard|amex|discover|debit|credit)\b", I)),
    ("mrn", re.compile(r"\b(?:mrn|medical record|chart)\b", I)),
    ("phone", re.compile(r"\b(?:phone|call|reach|cell|mobile|number to|text|my (?:cell |home |work )?number)\b", I)),
    ("account", re.compile(r"\b(?:account|acct|policy|member|claim|invoice|reference|confirmation|id)\b", I)),
]

# Introductions that name someone: "my name is Ana", "this is Ana from billing", "speaking with Mr Diaz".
_CAP = r"(?:Mc|Mac|O')?[A-Z][a-z\u00e0-\u00ff]+(?:[-'][A-Z][a-z\u00e0-\u00ff]+)?"
_LOW = r"[a-z\u00e0-\u00ff]{2,20}"
NAME_INTROS = [
    re.compile(
        rf"\b(?:[Mm]y|[Tt]he patient'?s|[Tt]he account holder'?s|[Hh]is|[Hh]er) (?:full )?name(?:'s| is)\s+"
        rf"((?:{_CAP}|{_LOW})(?: (?:{_CAP}|{_LOW})){{0,2}})"
    ),
    re.compile(
        rf"\b(?:[Tt]his is|[Ii]'?m|[Ii] am|[Ss]peaking (?:with|to)|[Cc]all me|[Aa]sk for)\s+"
        rf"({_CAP}(?: {_CAP}){{0,2}})"
    ),
    re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+({_CAP}(?: {_CAP}){{0,1}})"),
]
