"""Checks on a model's reply before the trainee sees it. Pure functions: each check is named and
returns the reason it failed, or None.

`check_prefix` runs on the text streamed so far (the UI shows only what has passed it);
`check_reply` runs on the finished reply and adds the checks that need the whole of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable

from .facts import amounts, dates, ids, missing_facts, names, numbers
from .role_checks import ROLE_PATTERNS, repeats, role_problem

__all__ = [
    "amounts",
    "dates",
    "GuardContext",
    "GuardResult",
    "StreamGuard",
    "check_prefix",
    "check_reply",
    "clean",
    "whole_sentences",
]
MAX_CHARS = 600  # a patient's turn on the phone; longer is a lecture, not a line
MIN_CHARS = 2


@dataclass(frozen=True)
class GuardContext:
    """What the reply may say: the account's facts and the scripted line it voices.

    gist: the scripted line; every fact in it must reach the trainee unchanged. earlier: the patient's
    lines so far (a repeat is a loop). heard: what the trainee said (a name they gave may be used)."""

    facts: tuple[str, ...] = ()  # account values, drawn variables, the scripted gist
    persona_name: str = ""
    max_chars: int = MAX_CHARS
    gist: str = ""
    earlier: tuple[str, ...] = ()
    heard: str = ""

    @classmethod
    def build(
        cls,
        facts: Iterable[str],
        persona_name: str = "",
        max_chars: int = MAX_CHARS,
        *,
        gist: str = "",
        earlier: Iterable[str] = (),
        heard: str = "",
    ) -> "GuardContext":
        facts = tuple(str(f) for f in facts if f is not None) + ((gist,) if gist else ())
        return cls(facts, persona_name, max_chars, gist, tuple(earlier), heard)

    @cached_property
    def allowed_amounts(self) -> set[int]:
        return {a for f in self.facts for a in amounts(f)}

    @cached_property
    def allowed_dates(self) -> set[tuple]:
        return {d for f in self.facts for d in dates(f)}

    @cached_property
    def allowed_numbers(self) -> set[float]:
        return {n for f in self.facts for n in numbers(f)}

    @cached_property
    def allowed_ids(self) -> set[str]:
        return {i for f in self.facts for i in ids(f)}

    @cached_property
    def allowed_words(self) -> set[str]:
        return set(re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)?", " ".join(self.facts + (self.persona_name, self.heard))))

    @cached_property
    def known_names(self) -> set[str]:
        """The persona's name and the account's name-like values ('Northwind Health PPO', 'Dana'):
        names even at a sentence start. Sentences (the situation, the gist) give none."""
        short = [f for f in self.facts if f != self.gist and len(f.split()) <= 5] + [self.persona_name]
        return {w for f in short for w in re.findall(r"[A-Z][A-Za-z]+", f)}


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    check: str = ""  # the failed check's name
    reason: str = ""


PASS = GuardResult(True)

# --- the checks ---------------------------------------------------------------------------------

# The pattern tables are laid out by hand, so that they read against each other.
# fmt: off
_AI = re.compile(
    r"\b(as an? (ai|a\.i\.|language model|llm|assistant|chatbot|virtual assistant)|"
    r"i(?:'m| am) (just |only |really |actually |not a human,? )?(an? )?(ai|a\.i\.|artificial intelligence|language model|llm|chat ?bot|bot|"
    r"assistant|virtual assistant|computer program)\b|"
    r"(openai|chatgpt|gpt-?\d|large language model|language model|hugging ?face|smollm|llama)\b|"
    r"my (training|programming|training data)\b|i was (trained|programmed)|"
    r"i (can(?:no|')t|do not|don't) have (feelings|a body|personal experiences))",
    re.I,
)

_OUT_OF_CHARACTER = re.compile(
    r"(^\s*(sure|certainly|of course|okay|ok)[,!.]?\s+(here('s| is)|i('ll| will|'d| would) (play|respond|act|be|write|pretend))|"
    r"\b(here('s| is) (a|the|my|an) (possible |sample |suggested |rewritten |revised |improved |new )?(response|reply|dialogue|script|version|rewrite|message))\b|"
    r"\b(rewritten|revised|paraphrased) version\b|\bthat'?s a great story\b|"
    r"\b(role-?play(ing)?|in character|stay in character|this (scenario|simulation|exercise|conversation) is)\b|"
    r"^\s*(patient|caller|assistant|customer|billing( rep(resentative)?)?|agent|trainee|representative|user)\s*:|"
    r"\n\s*(patient|caller|assistant|customer|agent|trainee|representative|user|billing)\s*:|"
    r"\[(patient|name|your name|insert)[^\]]*\]|<\|?/?(im_start|im_end|assistant|user|system)|"
    r"\b(the (trainee|user)|training (session|scenario))\b|\bsimulat(ed|ion)\b|"
    # echoes of the persona prompt's own instructions
    r"\b(your|my|the) next line\b|\bin (your|my) own words\b|\bkeeping its meaning\b|\bbilling person\b|"
    r"\bthe call connects\b|\bhint at it\b|\bstage directions?\b|\bnever mention\b)",
    re.I | re.M,
)

_COACHING = re.compile(
    r"\b(you should (have )?(say|said|ask|asked|offer|offered|explain|explained|acknowledge|apologi[sz]e|verify|tell)|"
    r"(a )?better (response|reply|answer|way to (say|respond))|"
    r"(try|consider) (saying|asking|offering|acknowledging|explaining|to (say|ask|acknowledge|explain|offer))|"
    r"(good|great|nice|excellent) (job|work|response|reply|answer)|"
    r"(your|the) (response|reply) (was|is|could)|"
    r"(feedback|tip|suggestion|score|empathy score|compliance)\s*:|"
    r"as a billing (representative|specialist|rep)|"
    r"(remember|don't forget) to (verify|acknowledge|offer|explain|ask))",
    re.I,
)

_UNSAFE = re.compile(
    r"\b(kill (my|him|her|them|your)sel(f|ves)|kill (you|him|her|them)|suicid\w*|end my life|hurt myself|"
    r"self[- ]harm|shoot\w*|bomb\w*|"
    r"fuck\w*|shit\w*|bitch\w*|cunt\w*|asshole\w*|bastard\w*|motherf\w*|"
    r"nigg\w*|fag+ot\w*|retard\w*|spic\b|kike\w*|chink\w*|"
    r"porn\w*|sex(ual|ually)? (act|favou?r|content)|naked|nude)",
    re.I,
)


# fmt: on


def too_long(text: str, ctx: GuardContext) -> str | None:
    if len(text) > ctx.max_chars:
        return f"longer than {ctx.max_chars} characters"
    return None


def _quoting(what: str, m: re.Match | None) -> str | None:
    """The problem, quoting the words that show it; None when there is no match."""
    return f"{what} ('{m.group(0).strip()}')" if m else None


def says_it_is_an_ai(text: str, ctx: GuardContext) -> str | None:
    return _quoting("talks about being an AI", _AI.search(text))


def out_of_character(text: str, ctx: GuardContext) -> str | None:
    return _quoting("steps out of the patient's role", _OUT_OF_CHARACTER.search(text))


_NARRATION = re.compile(
    r"^\s*(she|he|the (patient|caller|customer))\b|\b(she|he) (explains|says|asks|replies|responds|"
    r"sighs|continues|adds|wants to know|is (calling|upset|angry|frustrated|worried))\b|"
    r"\b(the (patient|caller|customer)) (is|has|was|says|asks|explains|wants|feels)\b",
    re.I,
)


def narrates(text: str, ctx: GuardContext) -> str | None:
    """Tells the story ('She explains…', 'Maria has a problem…') instead of speaking as the patient."""
    m = _NARRATION.search(text)
    first = ctx.persona_name.split()[0] if ctx.persona_name.split() else ""
    if not m and first and len(first) > 1 and not any(first in f for f in ctx.facts):
        m = re.search(rf"\b{re.escape(first)}\b(?! here)", text)
    if not m and first and len(first) > 1:
        m = re.search(rf"\b{re.escape(first)} (is|has|was|says|asks|explains|wants|feels|doesn't|does not)\b", text)
    return _quoting("narrates instead of speaking as the patient", m)


def coaches_the_trainee(text: str, ctx: GuardContext) -> str | None:
    return _quoting("coaches the trainee", _COACHING.search(text))


def unsafe(text: str, ctx: GuardContext) -> str | None:
    return _quoting("unsafe or abusive content", _UNSAFE.search(text))


def contradicts_amounts(text: str, ctx: GuardContext) -> str | None:
    wrong = amounts(text) - ctx.allowed_amounts
    if wrong:
        shown = ", ".join(f"${c // 100:,}" + (f".{c % 100:02d}" if c % 100 else "") for c in sorted(wrong))
        return f"names an amount the account does not have ({shown})"
    return None


def contradicts_dates(text: str, ctx: GuardContext) -> str | None:
    allowed = ctx.allowed_dates
    for d in dates(text):
        if d not in allowed:
            shown = "/".join(str(x) for x in (d[1:] + d[:1] if len(d) == 3 else d))
            return f"names a date the account does not have ({shown})"
    return None


def _role_check(name: str) -> Callable[[str, GuardContext], str | None]:
    """One check per pattern of role_checks (refusal, billing voice, meta, stage, score talk, abuse, self-id)."""

    def check(text: str, ctx: GuardContext) -> str | None:
        found = role_problem(text, ctx.gist, only=name)
        return found[1] if found else None

    check.__name__ = name
    return check


def adds_numbers(text: str, ctx: GuardContext) -> str | None:
    """A number or id that no fact holds: the model made it up."""
    extra = numbers(text) - ctx.allowed_numbers
    if extra:
        return f"says a number the account does not have ({', '.join(f'{n:g}' for n in sorted(extra))})"
    extra_ids = ids(text) - ctx.allowed_ids
    return f"says an id the account does not have ({', '.join(sorted(extra_ids))})" if extra_ids else None


def adds_names(text: str, ctx: GuardContext) -> str | None:
    extra = names(text) - ctx.allowed_words
    return f"names someone or something the account does not have ({', '.join(sorted(extra))})" if extra else None


def drops_gist_facts(text: str, ctx: GuardContext) -> str | None:
    """Every fact of the scripted line (amounts, dates, numbers, ids, names, yes/no, negation) unchanged."""
    if not ctx.gist:
        return None
    missing = missing_facts(ctx.gist, text, ctx.known_names)
    return f"drops or changes {', '.join(missing[:4])} of the scripted line" if missing else None


def repeats_earlier(text: str, ctx: GuardContext) -> str | None:
    line = repeats(text, ctx.earlier, ctx.gist)
    return f"repeats an earlier line ('{line[:60]}')" if line else None


def empty(text: str, ctx: GuardContext) -> str | None:
    return "empty reply" if len(text.strip()) < MIN_CHARS else None


def unfinished_markup(text: str, ctx: GuardContext) -> str | None:
    return "contains code or markup" if re.search(r"```|</?[a-z]+>|\{\s*\"", text) else None


# Order matters only for which reason is reported first.
PREFIX_CHECKS: list[tuple[str, Callable[[str, GuardContext], str | None]]] = [
    ("length", too_long),
    ("no_ai_talk", says_it_is_an_ai),
    ("in_character", out_of_character),
    ("first_person", narrates),
    *((name, _role_check(name)) for name, _, _ in ROLE_PATTERNS),
    ("no_coaching", coaches_the_trainee),
    ("safe", unsafe),
    ("amounts", contradicts_amounts),
    ("dates", contradicts_dates),
    ("numbers", adds_numbers),
    ("names", adds_names),
    ("no_markup", unfinished_markup),
]
FINAL_CHECKS = [("not_empty", empty)] + PREFIX_CHECKS + [("gist_facts", drops_gist_facts), ("no_repeat", repeats_earlier)]


def run_checks(checks, text: str, ctx: GuardContext) -> GuardResult:
    for name, fn in checks:
        reason = fn(text, ctx)
        if reason:
            return GuardResult(False, name, reason)
    return PASS


def check_prefix(text: str, ctx: GuardContext) -> GuardResult:
    """The checks that can fail on part of a reply (used while it streams)."""
    return run_checks(PREFIX_CHECKS, text, ctx)


def check_reply(text: str, ctx: GuardContext) -> GuardResult:
    """Every check, on the finished reply."""
    return run_checks(FINAL_CHECKS, text, ctx)


def clean(text: str) -> str:
    """What a small model wraps a line in: quotes, a 'Name:' label, stray whitespace."""
    t = text.strip()
    t = (
        re.sub(r"^\s*\**[A-Z][a-z]+(?: [A-Z][a-z]+)?\**\s*:\s*", "", t)
        if re.match(r"^\s*\**[A-Z][a-z]+(?: [A-Z][a-z]+)?\**\s*:", t)
        else t
    )
    if len(t) >= 2 and t[0] in "\"“'" and t[-1] in "\"”'":
        t = t[1:-1].strip()
    return re.sub(r"\s+", " ", t)


def whole_sentences(text: str) -> str:
    """Drop an unfinished last sentence (a reply cut at max_tokens), if a finished one comes before it."""
    t = text.rstrip()
    if not t or t[-1] in ".!?…\"”'":
        return t
    ends = [m.end() for m in re.finditer(r"[.!?…](?=\s|$)", t)]
    return t[: ends[-1]] if ends else t


LOOKAHEAD_WORDS = 3  # words checked but not yet shown: "You should have | acknowledged…"


def safe_to_show(streamed: str, lookahead: int = LOOKAHEAD_WORDS) -> tuple[int, int]:
    """(check_upto, show_upto) for a streaming text. Everything up to the last whole word is checked
    ('$1,2' or 'I'm an A' is never judged half-read); the last `lookahead` whole words are held back
    as well, so a phrase that only fails on its later words ('You should have acknowledged') is
    never shown in part."""
    bounds = [m.start() for m in re.finditer(r"\s+", streamed)]
    bounds = [b for b in bounds if b > 0]
    if not bounds:
        return 0, 0
    check = bounds[-1]
    show = bounds[-1 - lookahead] if len(bounds) > lookahead else 0
    return check, show


@dataclass
class StreamGuard:
    """Feeds streamed pieces through check_prefix; hands on only text that has passed."""

    ctx: GuardContext
    text: str = ""
    shown: int = 0
    checked: int = 0
    lookahead: int = LOOKAHEAD_WORDS
    failed: GuardResult | None = None
    _on_show: Callable[[str], None] | None = field(default=None, repr=False)

    def feed(self, piece: str) -> str:
        """Add a piece; return the newly checked text to show ('' if none yet). Sets .failed."""
        if self.failed:
            return ""
        self.text += piece
        check, show = safe_to_show(self.text, self.lookahead)
        if check <= self.checked:
            if len(self.text) > self.ctx.max_chars:
                self.failed = GuardResult(False, "length", f"longer than {self.ctx.max_chars} characters")
            return ""
        res = check_prefix(self.text[:check], self.ctx)
        self.checked = check
        if not res.ok:
            self.failed = res
            return ""
        if show <= self.shown:
            return ""
        new, self.shown = self.text[self.shown : show], show
        return new

    def finish(self) -> tuple[GuardResult, str]:
        """Check the whole reply; return the result and the rest of the text to show."""
        if self.failed:
            return self.failed, ""
        res = check_reply(self.text, self.ctx)
        return res, (self.text[self.shown :] if res.ok else "")
