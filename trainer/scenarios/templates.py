"""Scenario text with `{name}` placeholders: filling them in, and finding every text and every mistake.

Only a plain `{name}` is a placeholder and `{{` / `}}` are literal braces. Nothing else of str.format is
supported, so a file cannot ask for a width (`{x:>300000000}`), a repr or an attribute lookup.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator

from pydantic import BaseModel

from .strict_yaml import YamlPath

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
NAME_PATTERN = re.compile(NAME)
_FILL = re.compile(r"\{\{|\}\}|\{(" + NAME + r")\}")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def fill(text: str, values: dict[str, str]) -> str:
    """Put each drawn value in place of its `{name}`; never raises, and an unknown name stays as written."""
    if "{" not in text and "}" not in text:
        return text

    def put(m: re.Match[str]) -> str:
        token: str = m.group(0)
        if token in ("{{", "}}"):
            return token[0]
        value = values.get(m.group(1))
        return token if value is None else str(value)

    return _FILL.sub(put, text)


def placeholders(text: str) -> list[str]:
    """The variable names a text uses."""
    return [m.group(1) for m in _FILL.finditer(text) if m.group(1)]


def template_mistakes(text: str, declared: Container[str], limit: int = 3) -> list[str]:
    """What is wrong with the braces in a text, one message per mistake, at most `limit` of them."""
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        if len(out) >= limit:
            break
        token, inner = m.group(0), m.group(1)
        if token in ("{{", "}}"):
            continue
        if inner is None:
            out.append(f"unbalanced '{token}': a placeholder is written {{name}}; write '{token * 2}' for a literal brace")
        elif not NAME_PATTERN.fullmatch(inner):
            out.append(f"'{_short(token)}' is not a placeholder: {_why(inner)}; write a plain {{name}}")
        elif inner not in declared:
            out.append(f"placeholder '{token}' is not a declared variable")
    return out


def _why(inner: str) -> str:
    if ":" in inner:
        return "format specs (':…') are not allowed"
    if "!" in inner:
        return "conversions ('!r', '!s') are not allowed"
    if "." in inner or "[" in inner:
        return "attribute and index lookups are not allowed"
    if not inner.strip():
        return "it names no variable"
    if inner[0].isdigit():
        return "numbered placeholders are not allowed"
    return "a variable name is letters, digits and '_'"


def texts_of(value: object, loc: YamlPath = ()) -> Iterator[tuple[YamlPath, str]]:
    """Every string in a validated model, with its path: walked field by field so no new field is missed."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from texts_of(getattr(value, name), loc + (name,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts_of(item, loc + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from texts_of(item, loc + (i,))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
