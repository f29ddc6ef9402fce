"""The revenue-cycle glossary: billing terms a patient may not know, with plain explanations."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .config import ASSETS_DIR

GLOSSARY_PATH = ASSETS_DIR / "glossary.yaml"


@dataclass(frozen=True)
class Term:
    term: str
    forms: tuple[str, ...]
    plain: str
    jargon: bool
    topic: str


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    by_term: dict[str, Term]
    pattern: re.Pattern  # matches any surface form as a whole word or phrase
    by_form: dict[str, Term]

    def find(self, text: str):
        """Yield (term, start, end) for every glossary form in the text."""
        for m in self.pattern.finditer(text):
            yield self.by_form[m.group(0).lower()], m.start(), m.end()


@lru_cache(maxsize=None)
def glossary(path: Path = GLOSSARY_PATH) -> Glossary:
    entries = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    terms = tuple(
        Term(e["term"], tuple(f.lower() for f in e.get("forms") or [e["term"]]), e["plain"],
             bool(e.get("jargon", True)), e.get("topic", ""))
        for e in entries
    )
    by_form = {f: t for t in terms for f in t.forms}
    # Longest forms first so "out-of-pocket maximum" wins over "out-of-pocket".
    alternatives = sorted(by_form, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])", re.IGNORECASE)
    return Glossary(terms, {t.term: t for t in terms}, pattern, by_form)
