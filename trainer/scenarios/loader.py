"""Read scenario files: bytes -> YAML -> schema -> graph checks, every problem with file and line."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pydantic
import yaml

from ..config import BUILTIN_SCENARIOS_DIR
from .schema import Scenario
from .validator import check_graph

MAX_FILE_BYTES = 1_000_000  # a long scenario is ~30 kB
SUFFIXES = (".yaml", ".yml")

try:  # libyaml is ~10x faster; PyYAML wheels ship it
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path
    content_hash: str  # sha256 of the file's bytes, stored with every session


@dataclass
class Library:
    scenarios: list[LoadedScenario]
    problems: list[Problem]

    def get(self, scenario_id: str) -> LoadedScenario | None:
        return next((s for s in self.scenarios if s.scenario.id == scenario_id), None)


def load_file(path: str | Path) -> tuple[LoadedScenario | None, list[Problem]]:
    path = Path(path)
    name = str(path)

    def fail(message: str, line: int | None = None, field: str = ""):
        return None, [Problem(name, line, field, message)]

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return fail(f"file is {size / 1e6:.1f} MB; a scenario file may be at most "
                        f"{MAX_FILE_BYTES / 1e6:.0f} MB")
        raw = path.read_bytes()
    except OSError as e:
        return fail(f"cannot read file: {e.strerror or e}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return fail(f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}); "
                    "save the file as UTF-8", line)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        what = getattr(e, "problem", None) or str(e)
        return fail(f"not valid YAML: {what}", mark.line + 1 if mark else None)
    if root is None:
        return fail("file is empty")
    alias_line = _first_alias_line(root)
    if alias_line:
        return fail("YAML anchors and aliases (&name / *name) are not supported in scenarios", alias_line)
    try:
        data = yaml.constructor.SafeConstructor().construct_document(root)
    except yaml.YAMLError as e:  # e.g. an unknown tag such as !python/object
        mark = getattr(e, "problem_mark", None)
        return fail(f"not valid YAML: {getattr(e, 'problem', None) or e}", mark.line + 1 if mark else None)
    if not isinstance(data, dict):
        return fail("the top level must be a mapping of fields (id, title, persona, nodes …)", 1)
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as e:
        return None, [
            Problem(name, _line_of(root, err["loc"]), _dotted(err["loc"]), _message(err))
            for err in e.errors()
        ]
    problems = [Problem(name, _line_of(root, loc), _dotted(loc), msg) for loc, msg in check_graph(scenario)]
    if problems:
        return None, problems
    return LoadedScenario(scenario, path, hashlib.sha256(raw).hexdigest()), []


def load_library(*paths: str | Path) -> Library:
    """Load every scenario file under the given files or folders; keep the good, report the bad."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.suffix in SUFFIXES and f.is_file())
        else:
            files.append(p)
    library = Library([], [])
    seen: dict[str, Path] = {}
    for f in files:
        loaded, problems = load_file(f)
        library.problems += problems
        if loaded is None:
            continue
        sid = loaded.scenario.id
        if sid in seen:
            library.problems.append(Problem(str(f), None, "id", f"id '{sid}' is already used by {seen[sid]}"))
            continue
        seen[sid] = f
        library.scenarios.append(loaded)
    return library


def _first_alias_line(root: yaml.Node) -> int | None:
    """Line of a node reached twice (an alias); None when the tree has none."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return node.start_mark.line + 1
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack += [k, v]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return None


def _line_of(root: yaml.Node, loc: tuple) -> int:
    """Line of the deepest YAML node that the error path reaches."""
    node = root
    for key in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _dotted(loc: tuple) -> str:
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _message(err: dict) -> str:
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "extra_forbidden":
        return "unknown field (check the spelling)"
    msg = err["msg"]
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


def builtin_library(*extra_paths: Path | str) -> Library:
    """The built-in calls, plus any scenario files or folders named (the window and the terminal load it so)."""
    return load_library(BUILTIN_SCENARIOS_DIR, *extra_paths)
