"""What a bundle is: its file layout, its tables, the limits a bundle must keep, and the error for a bad one.

A bundle is one file, ``<kiosk>-<time>-<id>.trainer-bundle``: a zip archive (stored, not
compressed) holding exactly ``manifest.json`` and ``sessions.sqlite``. See docs/classroom-data.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NotRequired, TypedDict

BUNDLE_SUFFIX = ".trainer-bundle"
BUNDLE_FORMAT = "billing-trainer-bundle"
BUNDLE_FORMAT_VERSION = 2  # 1: turns and scores in two tables (schema 1-2)
MANIFEST_NAME = "manifest.json"
DATA_NAME = "sessions.sqlite"
ZIP_MAGIC = b"PK\x03\x04"

# Hard limits. A bundle comes from a USB stick and is treated as hostile: each limit is checked
# while reading, before anything grows past it.
MAX_MANIFEST_BYTES = 64 * 1024
MAX_DATA_BYTES = 512 * 1024 * 1024  # sessions.sqlite, uncompressed (a class-sized kiosk is ~30 MB)
MAX_COMPRESSION_RATIO = 20  # bundles are stored, not compressed; an SQLite file deflates ~5:1 at most
MAX_VALUE_BYTES = 1024 * 1024  # no single text or blob read from a bundle may be longer (SQLite refuses it)
MAX_DETAIL_BYTES = 64 * 1024  # a packed score detail (honest ones are ~120 bytes)
MAX_DETAIL_TEXT = 256 * 1024  # the detail's JSON once unpacked (honest ones are ~2 kB)
MAX_DETAIL_DEPTH = 64  # nesting of the detail's JSON (honest ones: 4; json.loads fails near 1000)
MAX_ROWS = {
    "trainees": 100_000,
    "trainee_aliases": 100_000,
    "sessions": 1_000_000,
    "turns": 5_000_000,
    "score_blockers": 5_000_000,
    "annotations": 1_000_000,
    "assignments": 100_000,
    "assignment_withdrawals": 100_000,
}

# The tables a bundle carries, with their columns (in the same names as the trainer's database).
COLUMNS: dict[str, tuple[str, ...]] = {
    "trainees": ("id", "name", "badge", "created_at", "kiosk_id"),
    "trainee_aliases": ("alias_id", "trainee_id"),
    "sessions": (
        "id",
        "trainee_id",
        "scenario_id",
        "scenario_title",
        "scenario_hash",
        "rubric_version",
        "persona_mode",
        "seed",
        "status",
        "ending",
        "started_at",
        "ended_at",
        "empathy",
        "clarity",
        "compliance",
        "overall",
        "blocked",
        "kiosk_id",
        "topics",
    ),
    "turns": (
        "id",
        "session_id",
        "idx",
        "attempt",
        "patient_node",
        "patient_line_id",
        "patient_text",
        "reply",
        "created_at",
        "rubric_version",
        "empathy",
        "clarity",
        "compliance",
        "overall",
        "blocked",
        "detail",
    ),
    "score_blockers": ("session_id", "turn_id", "rule_id"),
    "annotations": ("id", "session_id", "turn_id", "author", "kind", "dimension", "value", "text", "created_at", "kiosk_id"),
    "assignments": ("id", "created_at", "author", "kiosk_id", "trainee_id", "kind", "scenarios", "domain", "due", "target"),
    "assignment_withdrawals": ("assignment_id", "withdrawn_at", "author", "kiosk_id"),
}
# Tables that bundles hold from a schema version on (an older bundle lacks them: read as empty).
SINCE_SCHEMA = {"assignments": 9, "assignment_withdrawals": 9}
# A format-1 bundle: turns without their scores, which sit in a table of their own.
FORMAT_1_TABLES = frozenset(COLUMNS) | {"scores"}
BUNDLE_SCHEMA = """
CREATE TABLE trainees (id TEXT PRIMARY KEY, name TEXT NOT NULL, badge TEXT, created_at TEXT NOT NULL, kiosk_id TEXT);
CREATE TABLE trainee_aliases (alias_id TEXT PRIMARY KEY, trainee_id TEXT NOT NULL);
CREATE TABLE sessions (id TEXT PRIMARY KEY, trainee_id TEXT NOT NULL, scenario_id TEXT NOT NULL,
    scenario_title TEXT NOT NULL, scenario_hash TEXT NOT NULL, rubric_version TEXT NOT NULL,
    persona_mode TEXT NOT NULL, seed INTEGER NOT NULL, status TEXT NOT NULL, ending TEXT, started_at TEXT NOT NULL,
    ended_at TEXT, empathy INTEGER, clarity INTEGER, compliance INTEGER, overall INTEGER,
    blocked INTEGER NOT NULL DEFAULT 0, kiosk_id TEXT, topics TEXT);
CREATE TABLE turns (id TEXT NOT NULL, session_id TEXT NOT NULL, idx INTEGER NOT NULL, attempt INTEGER NOT NULL,
    patient_node TEXT NOT NULL, patient_line_id TEXT NOT NULL, patient_text TEXT NOT NULL, reply TEXT NOT NULL,
    created_at TEXT NOT NULL, rubric_version TEXT NOT NULL, empathy INTEGER NOT NULL, clarity INTEGER NOT NULL,
    compliance INTEGER NOT NULL, overall INTEGER NOT NULL, blocked INTEGER NOT NULL, detail BLOB NOT NULL,
    PRIMARY KEY (session_id, idx, attempt)) WITHOUT ROWID;
CREATE TABLE score_blockers (session_id TEXT NOT NULL, turn_id TEXT NOT NULL, rule_id TEXT NOT NULL,
    PRIMARY KEY (session_id, turn_id, rule_id)) WITHOUT ROWID;
CREATE TABLE annotations (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, turn_id TEXT, author TEXT NOT NULL,
    kind TEXT NOT NULL, dimension TEXT, value INTEGER, text TEXT NOT NULL, created_at TEXT NOT NULL, kiosk_id TEXT);
CREATE TABLE assignments (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, author TEXT NOT NULL, kiosk_id TEXT,
    trainee_id TEXT, kind TEXT NOT NULL, scenarios TEXT, domain TEXT, due TEXT NOT NULL, target INTEGER NOT NULL);
CREATE TABLE assignment_withdrawals (assignment_id TEXT PRIMARY KEY, withdrawn_at TEXT NOT NULL, author TEXT NOT NULL,
    kiosk_id TEXT);
"""


class ManifestData(TypedDict):
    """manifest.json's "data": the size and checksum of sessions.sqlite."""

    name: NotRequired[str]
    bytes: int
    sha256: str


class ManifestFilter(TypedDict):
    since: str | None
    origin: str | None


class Manifest(TypedDict):
    """manifest.json. The reader checks every key the import relies on before a dict is taken for one."""

    format: str
    format_version: int
    schema_version: int
    bundle_id: str
    counts: dict[str, int]
    data: ManifestData
    created_at: NotRequired[str | None]
    app_version: NotRequired[str | None]
    kiosk_id: NotRequired[str | None]
    kiosk_name: NotRequired[str | None]
    filter: NotRequired[ManifestFilter]


def schema_statements(schema: str = "main", prefix: str = "") -> list[str]:
    """BUNDLE_SCHEMA's CREATE TABLE statements, for tables in the named schema (their names prefixed)."""
    return [
        s.strip().replace("CREATE TABLE ", f"CREATE TABLE {schema}.{prefix}", 1) for s in BUNDLE_SCHEMA.split(";") if s.strip()
    ]


class BundleError(Exception):
    """A file that cannot be imported; the message names it and says why."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


# C0/C1 controls (ESC starts a terminal escape sequence), DEL, and the bidirectional overrides
# that make text read differently from how it is stored.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(value: object, limit: int = 80) -> str:
    """Text from a bundle made safe to print: controls shown as \\x1b-style escapes, on one line, capped."""
    text = value if isinstance(value, str) else repr(value)
    text = text[: limit * 4]  # enough to fill the cap even if every character becomes an escape
    text = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
