"""The revenue-cycle glossary: billing terms a patient may not know, with plain explanations."""

from __future__ import annotations

import re
from collections.abc import Iterator
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


_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Lower-case word pieces; "Out-of-pocket" and "out of pocket" give the same ones."""
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    by_term: dict[str, Term]
    by_tokens: dict[tuple[str, ...], Term]  # each surface form, as its word pieces
    longest: int  # the most word pieces in any form
    first_pieces: frozenset[str]  # the first word piece of every form: other words start no term

    def find(self, text: str) -> Iterator[tuple[Term, int, int]]:
        """Yield (term, start, end) for every glossary form in the text, longest match first."""
        found = [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text.lower())]
        i = 0
        while i < len(found):
            if found[i][0] not in self.first_pieces:
                i += 1
                continue
            for n in range(min(self.longest, len(found) - i), 0, -1):
                term = self.by_tokens.get(tuple(t for t, _, _ in found[i : i + n]))
                if term is not None:
                    yield term, found[i][1], found[i + n - 1][2]
                    i += n
                    break
            else:
                i += 1


@lru_cache(maxsize=None)
def glossary(path: Path = GLOSSARY_PATH) -> Glossary:
    entries = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    terms = tuple(
        Term(
            e["term"],
            tuple(f.lower() for f in e.get("forms") or [e["term"]]),
            e["plain"],
            bool(e.get("jargon", True)),
            e.get("topic", ""),
        )
        for e in entries
    )
    by_tokens = {tuple(tokens(f)): t for t in terms for f in t.forms if tokens(f)}
    return Glossary(terms, {t.term: t for t in terms}, by_tokens, max(map(len, by_tokens)), frozenset(k[0] for k in by_tokens))
