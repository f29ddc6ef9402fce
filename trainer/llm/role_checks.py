"""Wordings a patient never says on the phone, each a named pattern: refusals, the billing person's side
of the call, meta text about the line itself, stage directions, score talk, abuse and a model naming
itself. A pattern that the scripted gist itself matches is not held against the voiced line (an author
may write a patient who asks the rep's name, or swears)."""

from __future__ import annotations

import re

_CANT = r"(?:can(?:no|')t|cannot|won't|will not|am unable to|'m unable to|am not able to|'m not able to|must decline to)"

REFUSAL = re.compile(
    r"\b(?:i'?m|i am) (?:so |very |really )?(?:sorry|afraid),? (?:but )?(?:i|we) " + _CANT + r"|"
    r"\bi " + _CANT + r" (?:assist|help (?:you )?with (?:that|this)|comply|fulfil+|provide (?:that|this|assistance)|"
    r"do that|continue|engage|generate|create|write|produce|role-?play|pretend|answer that|take on)\b|"
    r"\b(?:against|violates?) (?:my|the|our) (?:guidelines|polic(?:y|ies)|rules|principles)\b|"
    r"\bi must (?:decline|refuse)\b|\b(?:inappropriate|harmful|unethical) (?:request|content)\b|\bcontent polic|"
    r"\bi'?m (?:not )?(?:here|designed|programmed|able) to (?:help|assist) (?:with|you)\b",
    re.I,
)

BILLING_VOICE = re.compile(
    r"\b(?:could|can|may|would) (?:you|i) (?:please )?(?:provide|give|tell|confirm|verify|have|get|spell)(?: me)? "
    r"(?:with )?(?:your|the patient'?s?) (?:full |legal )?(?:name|date of birth|dob|account|address|phone|"
    r"insurance|member|social|ssn|policy|card|zip)|"
    r"\b(?:please )?(?:provide|confirm|verify|state) (?:for me )?(?:your|the patient'?s?) (?:full )?"
    r"(?:name|date of birth|account|address|identity|insurance|member)|"
    r"\bwhat(?: is|'s) your (?:full name|date of birth|account number|address|insurance|member id|policy number)|"
    r"\bhow (?:can|may|might) i (?:help|assist)(?: you)?\b|\bthank you for (?:calling|contacting|holding|choosing)\b|"
    r"\b(?:let me|i'?ll|i will|allow me to) (?:pull up|look up|check|review|access|open|bring up|verify) "
    r"(?:your|the patient'?s?) (?:account|file|record|bill|balance|statement|claim)|"
    r"\b(?:i|we)(?:'ll| will| can| could) (?:set you up|arrange|waive|reduce (?:your|the)|enroll you|put you on)\b|"
    r"\banything else i can (?:help|assist|do for) you\b|"
    r"\byour (?:remaining |account |outstanding )?(?:balance|deductible|copay|coinsurance|account number|"
    r"date of birth|claim) (?:is|was|shows|comes to|of)\b|"
    r"\bon (?:your|the patient'?s?) (?:account|file|record)\b|"
    r"\bour (?:records|system|financial assistance|charity care|billing (?:office|department)|payment plans?)\b|"
    r"\bi understand (?:how )?(?:frustrating|confusing|stressful|upsetting) this (?:is|must be)\b|"
    r"\b(?:sorry|apologi[sz]e) for (?:the|any) (?:confusion|inconvenience|frustration)\b|"
    r"\b(?:i'?d|i would) be (?:happy|glad) to (?:help|assist|explain|walk you)\b|\bhappy to help\b",
    re.I,
)

META = re.compile(
    r"\blet me (?:try|say|put) (?:that|it|this)?\s*(?:again|another way|differently)\b|"
    r"\blet me (?:rephrase|rewrite|reword|start over|try that again)\b|"
    r"(?:^|\n)\s*(?:note|output|response|answer|reply|line|revised|rewritten|paraphrased?|translation|final answer|"
    r"voiced line|patient'?s? line|lead-?in|reaction)\s*:|"
    r"\b(?:here is|here's) (?:my|the|a|an) (?:line|reply|response|answer|attempt|version|paraphrase|reaction)\b|"
    r"\b(?:as requested|as instructed|per your instructions|following your instructions)\b|"
    r"\bthe (?:scripted|original|given|next) line\b|\bparaphras|\b(?:i hope this helps|hope that helps|feel free to)\b|"
    r"\bword count\b|\b(?:eight|8) words\b|^\s*(?:sure|certainly|absolutely)[,!.]?\s*(?:here|i can|i'd)\b|"
    r"\b(?:the )?(?:user|prompt|instructions?|system message)\b",
    re.I,
)

STAGE = re.compile(
    r"[()\[\]*]|\b(?:sighs|sighing|sniffles|sniffling|sobs|sobbing|nervously laughs|laughs nervously|"
    r"clears (?:her|his|my) throat|voice (?:breaking|trembling|shaking|cracking|breaks|trembles)|"
    r"(?:she|he) (?:pauses|sighs|laughs|hesitates)|in an? (?:\w+ )?(?:voice|tone)|pauses for a moment)\b",
    re.I,
)

SCORE_TALK = re.compile(
    r"(?<!credit )\b(?:scores?|scored|scoring|grades?|graded|grading|rubric|ratings?|evaluation|assessment)\b|"
    r"\b\d+\s*(?:points?|%|percent|/\s*100|out of (?:10|100))|"
    r"\b(?:empathy|clarity|compliance)\b|\b(?:well done|you passed|you failed|full marks|perfect marks)\b",
    re.I,
)

ABUSE = re.compile(
    r"\b(?:idiots?|stupid|morons?|dumb|imbeciles?|incompetent|useless|pathetic|losers?|jerks?|screw you|shut up|"
    r"go to hell|damn you|hate you|piece of (?:crap|garbage|junk)|crap|bloody|dammit|goddamn\w*|scum|thie(?:f|ves))\b",
    re.I,
)

SELF_ID = re.compile(
    r"\b(?:i'?m|i am|this is|my name is|call me)\s+(?:claude|chatgpt|gpt|qwen|gemini|bard|llama|mistral|copilot|"
    r"phi|smol ?lm\w*|deepseek|grok|assistant|an? (?:ai|bot|model))\b|"
    r"\b(?:made|created|built|trained|developed|designed) by (?:anthropic|openai|alibaba|google|meta|microsoft|"
    r"mistral|hugging ?face|deepseek|xai)\b|"
    r"\b(?:claude|chatgpt|qwen|gemini|anthropic|alibaba cloud|deepseek|mistral ai|copilot|tongyi)\b",
    re.I,
)

# name, pattern, what the reason says
ROLE_PATTERNS: list[tuple[str, re.Pattern, str]] = [
    ("no_refusal", REFUSAL, "refuses instead of speaking as the patient"),
    ("no_self_id", SELF_ID, "names itself as a model"),
    ("patient_voice", BILLING_VOICE, "speaks in the billing person's voice"),
    ("no_meta", META, "talks about the line instead of saying it"),
    ("no_stage", STAGE, "contains a stage direction"),
    ("no_score_talk", SCORE_TALK, "talks about scores"),
    ("no_abuse", ABUSE, "insults or abuses"),
]


def role_problem(text: str, gist: str, only: str | None = None) -> tuple[str, str] | None:
    """(check name, reason quoting the words) for the first pattern the text matches and the gist does not."""
    for name, pattern, what in ROLE_PATTERNS:
        if only is not None and name != only:
            continue
        m = pattern.search(text)
        if m and not (gist and pattern.search(gist)):
            return name, f"{what} ('{m.group(0).strip()}')"
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def similar(a: str, b: str) -> float:
    """Word-set overlap (Jaccard) of two lines, 0..1."""
    wa, wb = set(_words(a)), set(_words(b))
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


REPEAT_SIMILARITY = 0.8


def repeats(text: str, earlier: tuple[str, ...], gist: str) -> str | None:
    """An earlier line said again (the model looping), unless the script itself repeats it."""
    for line in earlier:
        if similar(text, line) >= REPEAT_SIMILARITY and similar(gist, line) < REPEAT_SIMILARITY:
            return line
    return None
