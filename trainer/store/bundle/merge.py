"""The merge of one checked bundle into the database. Bundles only add: a record already here is never changed.

A trainee is matched by id alone (or by an alias this database made itself); a new id is a new
trainee, even under a name that is here already (the report lists such pairs). A session whose id
is here is skipped (a conflict when the bundle's copy differs), and so are its turns: a call here
is never finished again, re-scored or extended. Supervisor notes and trainee aliases in a bundle
are not taken in at all, only counted. Assignments and their withdrawals are added by id (merge_assignments).

The bundle's rows are read from tables ``<source>trainees``, ``<source>sessions`` … (the staged copy).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from .format import COLUMNS, BundleError, Manifest, printable
from .merge_assignments import merge_assignments
from .report import MAX_LISTED, BundleResult, Counts

SESSION_FIXED = ("scenario_id", "scenario_hash", "rubric_version", "persona_mode", "seed", "started_at")
TRAINEE_HERE = "COALESCE(t.main_id, a.trainee_id, b.trainee_id)"  # a bundle session's trainee in this database
AT_PLACE = "m.session_id = b.session_id AND m.idx = b.idx AND m.attempt = b.attempt"
TEMP_TABLES = ("trainee_map", "existing_sessions", "new_sessions", "turn_conflicts")  # one bundle's
ADDED_SESSIONS = "CREATE TEMP TABLE added_sessions (id TEXT PRIMARY KEY)"  # every bundle's, for the verdicts


class DroppedIndexes:
    """Indexes dropped for a big import; restore() builds them again (all, or the ones named)."""

    def __init__(self, conn: sqlite3.Connection, names: Iterable[str]):
        self.conn = conn
        names = tuple(names)
        marks = ",".join("?" * len(names))
        rows = conn.execute(
            f"SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND name IN ({marks})", names
        ).fetchall()
        self.dropped = dict(rows)
        for name in self.dropped:
            conn.execute(f"DROP INDEX main.{name}")

    def restore(self, *names: str) -> None:
        for name in names or list(self.dropped):
            sql = self.dropped.pop(name, None)
            if sql:
                self.conn.execute(sql)


def _row(alias: str, cols: Iterable[str]) -> str:
    return "(" + ", ".join(f"{alias}.{c}" for c in cols) + ")"


def _cols(alias: str, cols: Iterable[str]) -> str:
    return ", ".join(f"{alias}.{c}" for c in cols)


class BundleMerge:
    """Merges the staged tables of one bundle (names starting with source) into main, table by table."""

    def __init__(
        self, conn: sqlite3.Connection, source: str, path: Path, manifest: Manifest, rows: dict[str, int], indexes: DroppedIndexes
    ):
        self.conn = conn
        self.src = source
        self.result = BundleResult(path, manifest)
        self.rows = rows  # how many of each the bundle holds
        self.indexes = indexes
        self.all_sessions_new = False

    def run(self) -> BundleResult:
        for table in TEMP_TABLES:
            self.sql(f"DROP TABLE IF EXISTS temp.{table}")
        self.trainees()
        self.sessions()
        self.turns()
        merge_assignments(self)
        self.result.notes_ignored = self.rows["annotations"]
        self.result.aliases_ignored = self.rows["trainee_aliases"]
        return self.result

    def sql(self, statement: str) -> sqlite3.Cursor:
        return self.conn.execute(statement.replace("src.", self.src))

    def count(self, statement: str) -> int:
        n: int = self.sql(statement).fetchone()[0]
        return n

    def list_conflicts(self, kind: str, statement: str) -> int:
        """How many rows the query (key, why) finds; the first few are described in the result."""
        room = max(0, MAX_LISTED - len(self.result.conflicts))
        found = self.sql(f"SELECT * FROM ({statement}) LIMIT {room}").fetchall()
        self.result.conflicts += [f"{kind} {printable(key, 40)}: {printable(why, 300)}" for key, why in found]
        return len(found) if len(found) < room else self.count(f"SELECT COUNT(*) FROM ({statement})")

    def refuse_if(self, statement: str, what: str) -> None:
        row = self.sql(statement).fetchone()
        if row:
            raise BundleError(self.result.path, f"is inconsistent: {what} {printable(row[0], 40)}")

    def trainees(self) -> None:
        """By id, or by an alias recorded here; any other id is a new trainee."""
        self.sql("""CREATE TEMP TABLE trainee_map AS
                    SELECT b.id AS bundle_id, COALESCE(m.id, a.trainee_id) AS main_id
                    FROM src.trainees b
                    LEFT JOIN main.trainees m ON m.id = b.id
                    LEFT JOIN main.trainee_aliases a ON a.alias_id = b.id""")
        self.sql("CREATE UNIQUE INDEX temp.trainee_map_id ON trainee_map (bundle_id)")
        c = Counts()
        room = max(0, MAX_LISTED - len(self.result.same_names))
        for new_id, new_name, old_id, old_name in self.sql(f"""
                SELECT b.id, b.name, m.id, m.name FROM src.trainees b JOIN temp.trainee_map t ON t.bundle_id = b.id
                JOIN main.trainees m ON m.name = b.name COLLATE NOCASE
                WHERE t.main_id IS NULL ORDER BY b.name, m.id LIMIT {room}""").fetchall():
            self.result.same_names.append(
                f"{printable(new_name, 60)!r} (id {printable(new_id, 36)}, added from this bundle) and "
                f"{printable(old_name, 60)!r} (id {printable(old_id, 36)}, here already)"
            )
        tc = COLUMNS["trainees"]
        c.new = self.sql(f"""INSERT INTO main.trainees ({", ".join(tc)}) SELECT {_cols("b", tc)} FROM src.trainees b
                             JOIN temp.trainee_map t ON t.bundle_id = b.id WHERE t.main_id IS NULL
                             ORDER BY b.id""").rowcount
        self.sql("UPDATE temp.trainee_map SET main_id = bundle_id WHERE main_id IS NULL")
        c.conflicts = self.list_conflicts(
            "trainee",
            """
            SELECT b.id, 'named ' || quote(m.name) || ' here but ' || quote(b.name) || ' in the bundle; kept '
                         || quote(m.name)
            FROM src.trainees b CROSS JOIN main.trainees m ON m.id = b.id
            WHERE (b.name, b.badge) IS NOT (m.name, m.badge)""",
        )
        c.unchanged = self.rows["trainees"] - c.new - c.conflicts
        self.result.counts["trainees"] = c

    def sessions(self) -> None:
        """New ids are added; a session here already is never changed (a conflict when the copies differ)."""
        self.refuse_if(
            """SELECT b.id FROM src.sessions b
                          WHERE NOT EXISTS (SELECT 1 FROM temp.trainee_map t WHERE t.bundle_id = b.trainee_id)
                            AND NOT EXISTS (SELECT 1 FROM main.trainee_aliases a WHERE a.alias_id = b.trainee_id)
                            AND NOT EXISTS (SELECT 1 FROM main.trainees m WHERE m.id = b.trainee_id)""",
            "a session's trainee is neither in the bundle nor here: session",
        )
        joins = (
            "LEFT JOIN temp.trainee_map t ON t.bundle_id = b.trainee_id "
            "LEFT JOIN main.trainee_aliases a ON a.alias_id = b.trainee_id"
        )
        rest = [k for k in COLUMNS["sessions"] if k != "trainee_id"]
        self.sql(f"""CREATE TEMP TABLE existing_sessions AS
                     SELECT b.id AS id,
                            ({TRAINEE_HERE}, {_cols("b", rest)}) IS (m.trainee_id, {_cols("m", rest)}) AS same,
                            CASE WHEN ({TRAINEE_HERE}, {_cols("b", SESSION_FIXED)})
                                      IS NOT (m.trainee_id, {_cols("m", SESSION_FIXED)})
                                 THEN 'a different call under the same id (trainee, scenario or start differ); '
                                      || 'kept the one here'
                                 ELSE 'here as ' || m.status || ', overall ' || IFNULL(m.overall, '-')
                                      || '; the bundle has it as ' || b.status || ', overall '
                                      || IFNULL(b.overall, '-') || '; a call here is never changed: kept the one here'
                            END AS why
                     FROM src.sessions b CROSS JOIN main.sessions m ON m.id = b.id {joins}""")
        self.sql("CREATE TEMP TABLE new_sessions (id TEXT PRIMARY KEY)")
        self.sql("""INSERT INTO temp.new_sessions (id) SELECT b.id FROM src.sessions b
                    WHERE NOT EXISTS (SELECT 1 FROM main.sessions m WHERE m.id = b.id) ORDER BY b.id""")
        c = Counts()
        sc = COLUMNS["sessions"]
        picked = ", ".join(TRAINEE_HERE if k == "trainee_id" else f"b.{k}" for k in sc)
        c.new = self.sql(f"""INSERT INTO main.sessions ({", ".join(sc)}) SELECT {picked}
                             FROM src.sessions b {joins}
                             WHERE b.id IN (SELECT id FROM temp.new_sessions) ORDER BY b.id""").rowcount
        self.sql("INSERT INTO temp.added_sessions (id) SELECT id FROM temp.new_sessions")
        c.conflicts = self.list_conflicts("session", "SELECT id, why FROM temp.existing_sessions WHERE NOT same")
        c.unchanged = self.count("SELECT COUNT(*) FROM temp.existing_sessions WHERE same")
        self.result.counts["sessions"] = c
        self.all_sessions_new = c.new == self.rows["sessions"]

    def turns(self) -> None:
        """Turns of new sessions go in, in call order; any other turn is only compared with the one here."""
        tc = COLUMNS["turns"]
        c = Counts()
        self.sql("""CREATE TEMP TABLE turn_conflicts (session_id TEXT, idx INTEGER, attempt INTEGER, id TEXT,
                    why TEXT NOT NULL, PRIMARY KEY (session_id, idx, attempt))""")
        of_new = "SELECT id FROM src.sessions" if self.all_sessions_new else "SELECT id FROM temp.new_sessions"
        self.sql("SAVEPOINT fresh_turns")
        try:
            # in the order of the index on (session_id, idx, attempt): one pass over it, not a jump per turn
            c.new = self.sql(f"""INSERT INTO main.turns ({", ".join(tc)}) SELECT {_cols("b", tc)}
                                 FROM src.turns b WHERE b.session_id IN ({of_new})
                                 ORDER BY b.session_id, b.idx, b.attempt""").rowcount
            self.sql("RELEASE fresh_turns")
        except sqlite3.IntegrityError:
            self.sql("ROLLBACK TO fresh_turns")
            self.sql("RELEASE fresh_turns")
            c.new = self.fill_free_places(of_new)
        all_in = c.new == self.rows["turns"]
        if not all_in:
            self.compare_other_turns(of_new)
        c.conflicts = self.list_conflicts("turn", "SELECT id, why FROM temp.turn_conflicts")
        c.unchanged = self.rows["turns"] - c.new - c.conflicts
        self.result.counts["turns"] = c
        # the blockers copied out of the scores go with the turns that went in
        kept = "src.turns" if all_in else "main.turns"
        self.sql(f"""INSERT OR IGNORE INTO main.score_blockers (session_id, turn_id, rule_id)
                     SELECT b.session_id, b.turn_id, b.rule_id FROM src.score_blockers b
                     WHERE b.session_id IN ({of_new})
                       AND EXISTS (SELECT 1 FROM {kept} t WHERE t.session_id = b.session_id AND t.id = b.turn_id)
                       AND NOT EXISTS (SELECT 1 FROM temp.turn_conflicts d
                                       WHERE d.session_id = b.session_id AND d.id = b.turn_id)""")

    def fill_free_places(self, of_new: str) -> int:
        """New sessions' turns whose place is held by a stray turn here (a damaged database): the one here stays."""
        self.indexes.restore("turns_place")
        self.sql(f"""INSERT OR IGNORE INTO temp.turn_conflicts (session_id, idx, attempt, id, why)
                     SELECT b.session_id, b.idx, b.attempt, b.id, 'another turn is already at reply ' || (b.idx + 1)
                            || ', attempt ' || b.attempt || ' of session ' || b.session_id || '; kept the one here'
                     FROM src.turns b CROSS JOIN main.turns m ON {AT_PLACE} WHERE b.session_id IN ({of_new})""")
        tc = COLUMNS["turns"]
        return self.sql(f"""INSERT INTO main.turns ({", ".join(tc)}) SELECT {_cols("b", tc)} FROM src.turns b
                            WHERE b.session_id IN ({of_new}) AND NOT EXISTS (SELECT 1 FROM main.turns m WHERE {AT_PLACE})
                            ORDER BY b.session_id, b.idx, b.attempt""").rowcount

    def compare_other_turns(self, of_new: str) -> None:
        """Turns of sessions here already: identical ones are unchanged, any other is a conflict (never added).

        A turn is found by its place (session, reply, attempt). Its score's detail is not compared:
        it is derived from the reply and the rubric version, and its packed bytes may differ between
        versions of zlib.
        """
        self.indexes.restore("turns_place")  # turns here are looked up by place from now on
        self.refuse_if(
            f"""SELECT b.id FROM src.turns b WHERE b.session_id NOT IN ({of_new})
                           AND NOT EXISTS (SELECT 1 FROM main.sessions m WHERE m.id = b.session_id)""",
            "a turn's session is neither in the bundle nor here: turn",
        )
        same = [k for k in COLUMNS["turns"] if k != "detail"]
        self.sql(f"""INSERT OR IGNORE INTO temp.turn_conflicts (session_id, idx, attempt, id, why)
                     SELECT b.session_id, b.idx, b.attempt, b.id,
                            CASE WHEN m.id IS NULL
                                 THEN 'would add reply ' || (b.idx + 1) || ', attempt ' || b.attempt || ' to session '
                                      || b.session_id || ', which is here already; a call here is never extended'
                                 WHEN m.id = b.id THEN 'differs from the turn with the same id here; kept the one here'
                                 ELSE 'another turn is already at reply ' || (b.idx + 1) || ', attempt ' || b.attempt
                                      || ' of session ' || b.session_id || '; kept the one here' END
                     FROM src.turns b LEFT JOIN main.turns m ON {AT_PLACE}
                     WHERE b.session_id NOT IN ({of_new}) AND {_row("b", same)} IS NOT {_row("m", same)}""")


def refresh_verdicts(conn: sqlite3.Connection) -> None:
    """sessions.passed of the sessions added (where this database keeps each call's verdict), once its indexes are back."""
    if not any(r[1] == "passed" for r in conn.execute("PRAGMA main.table_info(sessions)")):
        return
    from .. import verdicts  # only databases with sessions.passed need it

    verdicts.register(conn)
    conn.execute(f"{verdicts.REFRESH_ALL_SQL} WHERE id IN (SELECT id FROM temp.added_sessions)")
