"""Checks of a bundle's SQLite file before any of it is merged: only plain tables, and every value in range.

Both run on a read-only connection of their own. The structure is read from sqlite_master alone
(which evaluates nothing), so a view or trigger is refused before any table is read. Each table is
then scanned once with a CASE that names the first field out of range, and the message names the
bundle, table, row and field ("sessions row 5f3…: overall 100000 is not 0-100").
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..detail import CODEC_DEFLATE_1, DICTIONARY_1
from ..assignments import KINDS, MAX_SCENARIOS
from .format import (
    COLUMNS,
    MAX_DETAIL_BYTES,
    MAX_DETAIL_DEPTH,
    MAX_DETAIL_TEXT,
    MAX_ROWS,
    MAX_VALUE_BYTES,
    SINCE_SCHEMA,
    BundleError,
    Manifest,
    printable,
)

STATUSES = ("active", "completed", "abandoned", "interrupted")
HEX = "[0-9a-fA-F]"
UUID_GLOB = "-".join(HEX * n for n in (8, 4, 4, 4, 12))
DATE_GLOB = "[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]*"


def open_readonly(data: Path) -> sqlite3.Connection:
    """A connection that can only read the file, runs nothing from its schema, and refuses oversized values."""
    conn = sqlite3.connect(f"{data.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA trusted_schema=OFF")
    conn.execute("PRAGMA query_only=ON")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    return conn


def check_structure(conn: sqlite3.Connection, path: Path, tables: frozenset[str]) -> None:
    """Only the expected plain tables (and their primary-key indexes): no view, trigger or other table."""
    try:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as e:
        raise BundleError(path, f"is damaged: its data cannot be read ({printable(str(e), 120)})") from None
    for kind, name, table, sql in rows:
        if kind == "table" and name in tables and isinstance(sql, str) and sql.upper().startswith("CREATE TABLE"):
            continue
        if kind == "index" and sql is None and table in tables:
            continue  # made by SQLite itself for a primary key
        raise BundleError(
            path,
            f"is refused: its data holds the {printable(kind, 20)} {printable(name, 40)}; a bundle holds only its plain tables",
        )
    for table in {r[1] for r in rows if r[0] == "table"}:
        if any(col[6] for col in conn.execute(f'PRAGMA table_xinfo("{table}")')):
            raise BundleError(path, f"is refused: its {table} table has computed or hidden columns")


@dataclass(frozen=True)
class Field:
    column: str
    bad: str  # SQL, true when the value is out of range
    rule: str  # what it must be, for the message


def uuid(c: str, null: bool = False) -> Field:
    ok = f"(typeof({c}) = 'text' AND length({c}) = 36 AND {c} GLOB '{UUID_GLOB}')"
    return Field(c, f"NOT {ok}" if not null else f"{c} IS NOT NULL AND NOT {ok}", "is not an id (a UUID)")


def text(c: str, most: int, null: bool = False) -> Field:
    ok = f"(typeof({c}) = 'text' AND length({c}) <= {most})"
    return Field(c, f"NOT {ok}" if not null else f"{c} IS NOT NULL AND NOT {ok}", f"is not a text of at most {most:,} characters")


def whole(c: str, low: int, high: int, null: bool = False) -> Field:
    ok = f"(typeof({c}) = 'integer' AND {c} BETWEEN {low} AND {high})"
    return Field(c, f"NOT {ok}" if not null else f"{c} IS NOT NULL AND NOT {ok}", f"is not {low}-{high}")


def one_of(c: str, values: tuple[str, ...]) -> Field:
    listed = ", ".join(f"'{v}'" for v in values)
    return Field(c, f"NOT (typeof({c}) = 'text' AND {c} IN ({listed}))", f"is not one of {', '.join(values)}")


def date(c: str, null: bool = False) -> Field:
    ok = f"(typeof({c}) = 'text' AND length({c}) BETWEEN 10 AND 40 AND {c} GLOB '{DATE_GLOB}' AND julianday({c}) IS NOT NULL)"
    return Field(c, f"NOT {ok}" if not null else f"{c} IS NOT NULL AND NOT {ok}", "is not an ISO date and time")


def day(c: str) -> Field:
    # '+0 days' makes SQLite carry 2099-02-30 over into March (date() alone lets it through)
    return Field(
        c, f"NOT (typeof({c}) = 'text' AND length({c}) = 10 AND date({c}, '+0 days') IS {c})", "is not a date written YYYY-MM-DD"
    )


# An assignment lists scenarios (a JSON list of 1-100 short ids) exactly when it is of kind 'scenarios', and
# names a domain exactly when it is of kind 'domain'. CASE: the list is read only once it is valid JSON.
_LISTED = (
    f"CASE WHEN scenarios IS NULL OR NOT json_valid(scenarios) THEN 0 WHEN json_type(scenarios) != 'array' "
    f"THEN 0 ELSE json_array_length(scenarios) BETWEEN 1 AND {MAX_SCENARIOS} AND NOT EXISTS (SELECT 1 FROM "
    "json_each(scenarios) j WHERE j.type != 'text' OR length(j.value) NOT BETWEEN 1 AND 200) END"
)
ASSIGNMENT_SHAPE = [
    Field(
        "scenarios",
        f"(kind = 'scenarios') != ({_LISTED})",
        f"does not fit the kind (a JSON list of 1-{MAX_SCENARIOS} scenario ids for 'scenarios', else empty)",
    ),
    Field("domain", "(kind = 'domain') != (domain IS NOT NULL)", "does not fit the kind (given for 'domain' only)"),
]


def scores(null: bool) -> list[Field]:
    return [whole(c, 0, 100, null) for c in ("empathy", "clarity", "compliance", "overall")] + [whole("blocked", 0, 1)]


# What each imported table's values must be. Aliases and annotations are not imported, so not checked.
FIELDS: dict[str, list[Field]] = {
    "trainees": [uuid("id"), text("name", 200), text("badge", 100, null=True), date("created_at"), uuid("kiosk_id", null=True)],
    "sessions": [
        uuid("id"),
        uuid("trainee_id"),
        text("scenario_id", 200),
        text("scenario_title", 500),
        text("scenario_hash", 200),
        text("rubric_version", 100),
        text("persona_mode", 50),
        whole("seed", -(2**63), 2**63 - 1),
        one_of("status", STATUSES),
        text("ending", 200, null=True),
        date("started_at"),
        date("ended_at", null=True),
        *scores(null=True),
        uuid("kiosk_id", null=True),
        text("topics", 4000, null=True),
    ],
    "turns": [
        uuid("id"),
        uuid("session_id"),
        whole("idx", 0, 10_000),
        whole("attempt", 1, 1_000),
        text("patient_node", 200),
        text("patient_line_id", 200),
        text("patient_text", 8000),
        text("reply", 8000),
        date("created_at"),
        text("rubric_version", 100),
        *scores(null=False),
        Field(
            "detail",
            f"NOT (typeof(detail) = 'blob' AND length(detail) BETWEEN 2 AND {MAX_DETAIL_BYTES})",
            f"is not a packed score detail of at most {MAX_DETAIL_BYTES:,} bytes",
        ),
        Field("detail", "detail_problem(detail) IS NOT NULL", "cannot be read"),
    ],
    "score_blockers": [uuid("session_id"), uuid("turn_id"), text("rule_id", 100)],
    "assignments": [
        uuid("id"),
        date("created_at"),
        text("author", 200),
        uuid("kiosk_id", null=True),
        uuid("trainee_id", null=True),
        one_of("kind", KINDS),
        text("scenarios", 40_000, null=True),
        text("domain", 200, null=True),
        day("due"),
        whole("target", 0, 100),
        *ASSIGNMENT_SHAPE,
    ],
    "assignment_withdrawals": [uuid("assignment_id"), date("withdrawn_at"), text("author", 200), uuid("kiosk_id", null=True)],
}
ROW_KEY = {
    "trainees": "id",
    "sessions": "id",
    "turns": "id",
    "score_blockers": "turn_id",
    "assignments": "id",
    "assignment_withdrawals": "assignment_id",
}


def check_rows(conn: sqlite3.Connection, path: Path, manifest: Manifest) -> dict[str, int]:
    """The number of rows in each table, after checking columns, counts, limits and every value."""
    conn.create_function("detail_problem", 1, detail_problem, deterministic=True)
    rows = {}
    for table, cols in COLUMNS.items():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if not have and manifest["schema_version"] < SINCE_SCHEMA.get(table, 0):
            rows[table] = 0  # made before bundles held it
            continue
        if not have:
            raise BundleError(path, f"is damaged: it has no {table} table")
        missing = [c for c in cols if c not in have]
        if missing:
            raise BundleError(path, f"is damaged: its {table} table lacks {', '.join(missing)}")
        expected = manifest["counts"].get(table)
        if expected is not None and expected > MAX_ROWS[table]:
            raise BundleError(path, f"is refused: it announces {expected:,} {table} (the limit is {MAX_ROWS[table]:,})")
        # counted only up to the limit, so a table of a billion rows is not walked to the end
        rows[table] = conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT ?)", [MAX_ROWS[table] + 1]).fetchone()[0]
        if rows[table] > MAX_ROWS[table]:
            raise BundleError(path, f"is refused: it holds more than {MAX_ROWS[table]:,} {table}")
        if expected is not None and rows[table] != expected:
            raise BundleError(path, f"is damaged: the manifest lists {expected} {table} but it holds {rows[table]}")
    for table, fields in FIELDS.items():
        if rows[table]:
            _check_values(conn, path, table, fields)
    return rows


def _check_values(conn: sqlite3.Connection, path: Path, table: str, fields: list[Field]) -> None:
    which = " ".join(f"WHEN {f.bad} THEN {i}" for i, f in enumerate(fields))
    shown = " ".join(f"WHEN {i} THEN {_shown(f)}" for i, f in enumerate(fields))
    try:
        found = conn.execute(
            f"SELECT key, problem, CASE problem {shown} END FROM (SELECT *, "
            f"substr({ROW_KEY[table]}, 1, 40) AS key, CASE {which} END AS problem FROM {table}) "
            "WHERE problem IS NOT NULL LIMIT 1"
        ).fetchone()
    except sqlite3.DataError:
        raise BundleError(path, f"is refused: its {table} table holds a value over {MAX_VALUE_BYTES:,} bytes") from None
    except sqlite3.DatabaseError as e:
        raise BundleError(path, f"is damaged: its {table} table cannot be read ({printable(str(e), 120)})") from None
    if found is not None:
        key, i, value = found
        raise BundleError(
            path, f"is refused: {table} row {printable(key, 40)}: {fields[i].column} {printable(value, 60)} {fields[i].rule}"
        )


def _shown(f: Field) -> str:
    """SQL for the value as the message shows it (a blob by its size; an unreadable detail with the reason)."""
    c = f.column
    if f.rule == "cannot be read":
        return f"'(' || detail_problem({c}) || ')'"
    return (
        f"CASE typeof({c}) WHEN 'blob' THEN length({c}) || ' bytes' WHEN 'text' THEN quote(substr({c}, 1, 40)) "
        f"ELSE quote({c}) END"
    )


_unpacker = None


def detail_problem(stored: object) -> str | None:
    """Why a packed score detail cannot be taken in (None when it can): its JSON's size and nesting are capped."""
    global _unpacker
    if not isinstance(stored, bytes) or not stored or stored[0] != CODEC_DEFLATE_1:
        return "unknown packing"
    if _unpacker is None:
        _unpacker = zlib.decompressobj(-15, zdict=DICTIONARY_1.read_bytes())
    d = _unpacker.copy()
    try:
        raw = d.decompress(stored[1:], MAX_DETAIL_TEXT + 1)
    except zlib.error:
        return "damaged packing"
    if len(raw) > MAX_DETAIL_TEXT or d.unconsumed_tail:
        return f"unpacks to more than {MAX_DETAIL_TEXT:,} bytes"
    # brackets bound the nesting from above: only a detail with many of them is parsed to measure it
    if raw.count(b"[") + raw.count(b"{") > MAX_DETAIL_DEPTH and _depth(raw) > MAX_DETAIL_DEPTH:
        return f"nested deeper than {MAX_DETAIL_DEPTH}"
    return None


def _depth(raw: bytes) -> int:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return MAX_DETAIL_DEPTH + 1
    deepest, level = 0, [(value, 1)]
    while level:
        item, d = level.pop()
        deepest = max(deepest, d)
        if isinstance(item, dict):
            level += [(v, d + 1) for v in item.values()]
        elif isinstance(item, list):
            level += [(v, d + 1) for v in item]
    return deepest
