"""Read scenario files: bytes -> YAML -> schema -> graph checks, every problem with file and line."""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pydantic

from ..config import BUILTIN_SCENARIOS_DIR
from .schema import Scenario
from .strict_yaml import YamlPath, YamlRefused, read_yaml
from .validator import check_graph

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

MAX_FILE_BYTES = 1_000_000  # a long scenario is ~30 kB
MAX_PROBLEMS = 50  # per file: enough to fix, not a wall of text for a file that is not a scenario at all
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str
    column: int | None = None  # given for a character-level mistake

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        where += f":{self.column}" if self.line and self.column else ""
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

    def fail(message: str, line: int | None = None, field: str = "") -> tuple[None, list[Problem]]:
        return None, [Problem(name, line, field, message)]

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device could block or never end
            return fail("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            return fail(f"file is {info.st_size / 1e6:.1f} MB; a scenario file may be at most {MAX_FILE_BYTES / 1e6:.0f} MB")
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # bounded, in case the file grew since stat
        if len(raw) > MAX_FILE_BYTES:
            return fail(
                f"file is over {MAX_FILE_BYTES / 1e6:.0f} MB; a scenario file may be at most {MAX_FILE_BYTES / 1e6:.0f} MB"
            )
    except (OSError, ValueError) as e:  # ValueError: a path with a NUL byte in it
        return fail(f"cannot read file: {getattr(e, 'strerror', None) or e}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return fail(f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}); save the file as UTF-8", line)
    try:
        data, lines = read_yaml(text)
    except YamlRefused as e:
        return None, [Problem(name, e.line, _dotted(e.path), e.message, e.column)]
    if data is None:
        return fail("file is empty")
    if not isinstance(data, dict):
        return fail("the top level must be a mapping of fields (id, title, persona, nodes …)", 1)
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as e:
        found = [(err["loc"], _message(err)) for err in e.errors()]
        return None, _problems(name, lines, found)
    problems = _problems(name, lines, check_graph(scenario))
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


def _problems(name: str, lines: Mapping[YamlPath, int], found: Sequence[tuple[YamlPath, str]]) -> list[Problem]:
    problems = [Problem(name, _line_of(lines, loc), _dotted(loc), msg) for loc, msg in found[:MAX_PROBLEMS]]
    if len(found) > MAX_PROBLEMS:
        problems.append(Problem(name, None, "", f"… and {len(found) - MAX_PROBLEMS} more problem(s)"))
    return problems


def _line_of(lines: Mapping[YamlPath, int], loc: YamlPath) -> int:
    """Line of the deepest key or value in the file that the error path reaches."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _dotted(loc: YamlPath) -> str:
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _message(err: ErrorDetails) -> str:
    kind, given = err["type"], err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling)"
    if kind == "string_type" and (given is None or isinstance(given, (bool, int, float))):
        return f"expected text, found {_as_yaml(given)}; put the text in quotes"
    if kind in ("int_type", "float_type") and isinstance(given, bool):
        return f"expected a number, found {_as_yaml(given)}"
    if kind == "bool_type":
        return "expected true or false"
    msg = err["msg"]
    should = _SHOULD.match(msg)
    if should:  # "step must be greater than 0" reads better than "Input should be greater than 0"
        return f"{_subject(err['loc'])} must {should.group(1)}"
    return msg[len("Value error, ") :] if msg.startswith("Value error, ") else msg


_SHOULD = re.compile(r"(?:Input|String|List|Dictionary|Tuple|Value) should (.*)", re.DOTALL)


def _subject(loc: YamlPath) -> str:
    """The field an error is about, with any list index after it: `step`, `choices[1]`."""
    names = [i for i, key in enumerate(loc) if isinstance(key, str) and not key.startswith("[")]
    return _dotted(loc[names[-1] :]) if names else "value"


def _as_yaml(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def builtin_library(*extra_paths: Path | str) -> Library:
    """The built-in calls, plus any scenario files or folders named (the window and the terminal load it so)."""
    return load_library(BUILTIN_SCENARIOS_DIR, *extra_paths)
