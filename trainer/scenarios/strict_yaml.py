"""YAML for scenario files: plain data only, each value's line kept, every mistake refused with line and path.

Built from libyaml's event stream rather than a constructor, so nothing but text, numbers, true/false,
null, lists and mappings can come out, and no document can expand (aliases) or recurse without bound.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import yaml

try:  # libyaml is ~10x faster; PyYAML wheels ship it
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

YamlPath = tuple[str | int, ...]  # keys and list indexes from the top of the document
MAX_DEPTH = 40  # a scenario nests about 7 deep (nodes.x.next[0].when.min.empathy)
MAX_NUMBER_CHARS = 40  # longer digit strings are mistakes (and int() of 4300+ digits raises)

# Plain (unquoted) scalars are read as in YAML 1.2's core schema: `yes`, `no`, `on`, `off` and dates stay text.
_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE = re.compile(r"true|True|TRUE")
_FALSE = re.compile(r"false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}

# Control characters (tab, newline and carriage return excepted), line separators that YAML counts as line
# breaks but editors do not, a byte-order mark after the start, and bidirectional overrides that hide text.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")


_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NODES = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)


class YamlRefused(ValueError):
    """A scenario file that is not plain YAML data, with where it went wrong."""

    def __init__(self, message: str, line: int | None, path: YamlPath = (), column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.path, self.column = message, line, path, column


@dataclass
class _Frame:
    container: dict[str, object] | list[object]
    path: YamlPath
    key: str | None = None  # a mapping's key waiting for its value
    seen: dict[str, int] = field(default_factory=dict)  # key -> line, to refuse a repeated key


def read_yaml(text: str) -> tuple[object, dict[YamlPath, int]]:
    """The document's data and the line of every key and value in it (1-based), or YamlRefused."""
    _check_characters(text)
    lines: dict[YamlPath, int] = {(): 1}
    stack: list[_Frame] = []
    root: object = None
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)  # compared by identity: this loop runs once per key and value
            if kind in _ENDS:
                stack.pop()
                continue
            if kind not in _NODES:
                if kind is yaml.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise YamlRefused(
                            "a scenario file holds one YAML document: remove the second '---'", event.start_mark.line + 1
                        )
                continue  # stream start and end, document end
            line = event.start_mark.line + 1
            top = stack[-1] if stack else None
            key = ""  # the mapping key this value belongs to (when top is a mapping)
            if top is None:
                path: YamlPath = ()
            elif isinstance(top.container, list):
                path = top.path + (len(top.container),)
            elif top.key is None:
                _take_key(top, event, line, lines)
                continue
            else:
                key = top.key
                path = top.path + (key,)
            _check_node(event, line, path)
            opened: dict[str, object] | list[object] | None = None
            if kind is yaml.ScalarEvent:
                value = _scalar(event, line, path)
            else:
                value = opened = {} if kind is yaml.MappingStartEvent else []
            lines.setdefault(path, line)
            if top is None:
                root = value
            elif isinstance(top.container, list):
                top.container.append(value)
            else:
                top.container[key] = value
                top.key = None
            if opened is not None:
                if len(stack) >= MAX_DEPTH:
                    raise YamlRefused(f"nested more than {MAX_DEPTH} levels deep", line, path)
                stack.append(_Frame(opened, path))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        what = getattr(e, "problem", None) or str(e)
        raise YamlRefused(f"not valid YAML: {what}", mark.line + 1 if mark else None) from None
    return root, lines


def _take_key(frame: _Frame, event: yaml.Event, line: int, lines: dict[YamlPath, int]) -> None:
    if not isinstance(event, yaml.ScalarEvent):
        raise YamlRefused("a key must be a plain word, not a list or a mapping", line, frame.path)
    _check_node(event, line, frame.path + (event.value,))
    key = event.value  # keys stay text: `1:` and `yes:` name fields, they are not numbers or booleans
    if key in frame.seen:
        raise YamlRefused(
            f"key '{_short(key)}' is given twice (first on line {frame.seen[key]}); give each key once", line, frame.path + (key,)
        )
    frame.seen[key] = line
    frame.key = key
    lines[frame.path + (key,)] = line


def _check_node(event: yaml.Event, line: int, path: YamlPath) -> None:
    if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
        raise YamlRefused("YAML anchors and aliases (&name / *name) are not supported in scenarios", line, path)
    if event.tag is not None:
        tag = event.tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlRefused(
            f"YAML tag '{_short(tag)}' is not allowed: scenario files hold only text, numbers, true/false, lists and mappings",
            line,
            path,
        )


def _scalar(event: yaml.ScalarEvent, line: int, path: YamlPath) -> object:
    text = event.value
    if not event.implicit[0]:  # quoted or block text is always text
        return text
    if _NULL.fullmatch(text):
        return None
    if _TRUE.fullmatch(text):
        return True
    if _FALSE.fullmatch(text):
        return False
    if _INT.fullmatch(text) or _FLOAT.fullmatch(text):
        if len(text) > MAX_NUMBER_CHARS:
            raise YamlRefused(f"number with more than {MAX_NUMBER_CHARS} characters", line, path)
        return int(text) if _INT.fullmatch(text) else float(text)
    special = _SPECIAL_FLOATS.get(text.lower())
    return special if special is not None else text


def _check_characters(text: str) -> None:
    found = _BAD_CHARS.search(text, 1 if text.startswith("\ufeff") else 0)
    if found is None:
        return
    at = found.start()
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    raise YamlRefused(
        f"control character U+{ord(found.group()):04X}: delete it (only tabs and line breaks are allowed)", line, column=column
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
