"""The trainer's records: trainees, sessions, turns and their scores, supervisor annotations, and runs."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from .. import __version__
from ..domain import Turn
from .db import now, open_database
from .errors import StoreError, busy_or_full
from .detail import pack
from .records import AnnotationRow, SessionRow, StoredTurn
from .migrate import UpgradeNotice
from . import verdicts

ANNOTATION_KINDS = ("comment", "override", "blocker")  # blocker: a supervisor lifts one, with a reason
ANNOTATION_DIMENSIONS = ("empathy", "clarity", "compliance", "overall")
KEEP_RUNS = 200  # rows kept in the runs table


def new_id() -> str:
    return str(uuid.uuid4())


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists, but belongs to someone else
    return True


class Store:
    """One SQLite database. Use it from one thread only (sqlite-utils connections are per-thread)."""

    def __init__(self, path: Path, on_upgrade: UpgradeNotice | None = None):
        self.path = Path(path)
        self.db = open_database(self.path, on_upgrade)
        self.run_id: str | None = None
        self.integrity: str | None = None  # what PRAGMA integrity_check said at begin_run, when it ran
        self.interrupted_at_start = 0  # calls begin_run found left open and marked interrupted
        self._kiosk_id: str | None = None

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """One transaction; an SQLite failure becomes a StoreError that says in words what was not saved."""
        try:
            with self.db.conn:
                yield
        except sqlite3.Error as e:
            kind = busy_or_full(e) or "write"
            words = {
                "full": f"The disk is full, so {what} could not be saved in {self.path}. Free some space.",
                "locked": f"Another program is holding {self.path}, so {what} could not be saved. Try again in a moment.",
            }
            raise StoreError(
                words.get(kind, f"{what.capitalize()} could not be saved in {self.path} ({e})."), self.path, kind
            ) from e

    def close(self) -> None:
        """Close the database; an open run (begin_run) is ended cleanly first."""
        if self.run_id is not None:
            self.end_run()
        self.db.close()

    # settings
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.db.conn:
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    @property
    def kiosk_id(self) -> str:
        """This database's own id (a UUID), stamped on the records made here so bundles merge."""
        if self._kiosk_id is None:
            self._kiosk_id = self.setting("kiosk_id")
            if self._kiosk_id is None:
                self._kiosk_id = new_id()
                self.set_setting("kiosk_id", self._kiosk_id)
        return self._kiosk_id

    # runs: was the last start of the app ended in an orderly way?
    def begin_run(self) -> bool:
        """Record that the app has started on this database; True when an earlier run ended badly.

        A run that never reached end_run (killed, crashed, power lost) and whose process is gone
        ended badly. Then the whole file is checked with PRAGMA integrity_check first: if that
        finds a problem, StoreError (kind "corrupt") names the file and nothing is written to it.
        Calls left 'active' by runs that are no longer alive are marked 'interrupted'; their
        answered turns stay, ready for review. Runs still alive (another window on the same
        database) are left alone.
        """
        host = socket.gethostname()
        open_runs = self.db.execute(
            "SELECT id, pid, host FROM runs WHERE clean = 0 AND recovered_at IS NULL AND id IS NOT ?", [self.run_id]
        ).fetchall()
        live = [r[0] for r in open_runs if r[2] == host and r[1] != os.getpid() and pid_alive(r[1])]
        dead = [r[0] for r in open_runs if r[0] not in live]
        unclean = bool(dead)
        if unclean:
            problems = [row[0] for row in self.db.execute("PRAGMA integrity_check(20)").fetchall()]
            self.integrity = "ok" if problems == ["ok"] else "; ".join(problems)
            if self.integrity != "ok":
                raise StoreError(
                    f"The database {self.path} failed its integrity check after the last run ended badly "
                    f"({self.integrity[:300]}). It was left untouched: copy it somewhere safe, then move it "
                    "aside to start a new one.",
                    self.path,
                    "corrupt",
                )
        run_id = new_id()
        marks = ",".join("?" * len(dead))
        with self.db.conn:
            if dead:
                self.db.execute(
                    f"UPDATE runs SET recovered_at = ?, integrity = ? WHERE id IN ({marks})", [now(), self.integrity, *dead]
                )
            cur = self.db.execute(
                "UPDATE sessions SET status = 'interrupted' WHERE status = 'active' AND "
                f"(run_id IS NULL OR run_id NOT IN ({','.join('?' * len(live))}))",
                live,
            )
            self.interrupted_at_start = cur.rowcount
            self.db.execute(
                "INSERT INTO runs (id, pid, host, app_version, started_at) VALUES (?, ?, ?, ?, ?)",
                [run_id, os.getpid(), host, __version__, now()],
            )
            self.db.execute(
                "DELETE FROM runs WHERE clean = 1 AND id NOT IN (SELECT id FROM runs ORDER BY started_at DESC LIMIT ?)",
                [KEEP_RUNS],
            )
        self.run_id = run_id
        return unclean

    def end_run(self) -> None:
        """Mark this run as ended cleanly (call at an orderly shutdown)."""
        if self.run_id is None:
            return
        with self.db.conn:
            self.db.execute("UPDATE runs SET clean = 1, ended_at = ? WHERE id = ?", [now(), self.run_id])
        self.db.execute("PRAGMA optimize")
        self.run_id = None

    # trainees
    def sign_in(self, name: str, badge: str | None = None) -> str:
        """The id of the (first) trainee with this name, made if there is none (names match case-insensitively).
        For a person at the window use trainer.store.pins.trainee_sign_in, which asks for their PIN."""
        row = self.db.execute("SELECT id FROM trainees WHERE name = ? COLLATE NOCASE ORDER BY created_at, id", [name]).fetchone()
        if row:
            return str(row[0])
        return self.add_trainee(name, badge)

    def add_trainee(self, name: str, badge: str | None = None) -> str:
        tid = new_id()
        with self._writing("the sign-in"):
            self.db.table("trainees").insert(
                {"id": tid, "name": name, "badge": badge, "created_at": now(), "kiosk_id": self.kiosk_id}
            )
        return tid

    # sessions
    def start_session(
        self,
        trainee_id: str,
        scenario_id: str,
        scenario_title: str,
        scenario_hash: str,
        rubric_version: str,
        persona_mode: str,
        seed: int,
        topics: list[str] | None = None,
    ) -> str:
        """A new 'active' session; topics are the scenario's CRCR topics (kept for the class summary)."""
        sid = new_id()
        kiosk = self.kiosk_id
        with self._writing("the new call"):
            self.db.table("sessions").insert(
                {
                    "id": sid,
                    "trainee_id": trainee_id,
                    "scenario_id": scenario_id,
                    "scenario_title": scenario_title,
                    "scenario_hash": scenario_hash,
                    "rubric_version": rubric_version,
                    "persona_mode": persona_mode,
                    "seed": seed,
                    "status": "active",
                    "started_at": now(),
                    "kiosk_id": kiosk,
                    "topics": json.dumps(list(topics)) if topics is not None else None,
                    "run_id": self.run_id,
                }
            )
        return sid

    def add_turn(self, session_id: str, turn: Turn) -> str:
        """Commit one answered turn with its score; returns the turn's id."""
        tid = new_id()
        sc = turn.score
        with self._writing("your reply"):
            self.db.execute(
                "INSERT INTO turns (id, session_id, idx, attempt, patient_node, patient_line_id, patient_text, reply, "
                "created_at, rubric_version, empathy, clarity, compliance, overall, blocked, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    tid,
                    session_id,
                    turn.index,
                    turn.attempt,
                    turn.patient.node_id,
                    turn.patient.line_id,
                    turn.patient.text,
                    turn.reply,
                    now(),
                    sc.rubric_version,
                    sc.empathy.score,
                    sc.clarity.score,
                    sc.compliance.score,
                    sc.overall,
                    int(bool(sc.blockers)),
                    pack(json.dumps(sc.to_dict())),
                ],
            )
            rules = sorted({b.rule_id for b in sc.blockers})
            if rules:
                self.db.conn.executemany(
                    "INSERT INTO score_blockers (session_id, turn_id, rule_id) VALUES (?, ?, ?)",
                    [(session_id, tid, r) for r in rules],
                )
        return tid

    def finish_session(self, session_id: str, status: str, ending: str | None, summary: dict[str, Any]) -> None:
        with self._writing("the end of the call"):
            self.db.table("sessions").update(
                session_id,
                {
                    "status": status,
                    "ending": ending,
                    "ended_at": now(),
                    "empathy": summary.get("empathy"),
                    "clarity": summary.get("clarity"),
                    "compliance": summary.get("compliance"),
                    "overall": summary.get("overall"),
                    "blocked": int(bool(summary.get("blocked"))),
                },
            )
            verdicts.refresh(self.db.conn, [session_id])

    def reopen_session(self, session_id: str) -> None:
        """A finished call taken up again (the trainee retries the reply that ended it): 'active' once more."""
        with self._writing("the retry"):
            self.db.execute(
                "UPDATE sessions SET status = 'active', ending = NULL, ended_at = NULL, empathy = NULL, "
                "clarity = NULL, compliance = NULL, overall = NULL, blocked = 0, passed = 0, run_id = ? "
                "WHERE id = ?",
                [self.run_id, session_id],
            )

    # supervisor annotations: comments and overrides beside the automatic score
    def add_annotation(
        self,
        session_id: str,
        author: str,
        kind: str,
        text: str,
        turn_id: str | None = None,
        dimension: str | None = None,
        value: int | None = None,
        rule_id: str | None = None,
    ) -> str:
        """A supervisor's comment, override of a score, or lifting of a blocker (kept beside the automatic
        score, which never changes); returns its id.

        An override needs a dimension (empathy, clarity, compliance or overall) and a value 0-100; lifting a
        blocker needs the rule (one the call's replies broke) and the reason; turn_id None means the
        annotation is about the whole session.
        """
        if kind not in ANNOTATION_KINDS:
            raise ValueError(f"kind must be one of {', '.join(ANNOTATION_KINDS)}, not {kind!r}")
        if dimension is not None and dimension not in ANNOTATION_DIMENSIONS:
            raise ValueError(f"dimension must be one of {', '.join(ANNOTATION_DIMENSIONS)}, not {dimension!r}")
        if kind == "override":
            if dimension is None or value is None:
                raise ValueError("an override needs a dimension and a value")
        if value is not None and not (isinstance(value, int) and 0 <= value <= 100):
            raise ValueError(f"value must be a whole number from 0 to 100, not {value!r}")
        if not author or not author.strip():
            raise ValueError("an annotation needs an author")
        if kind in ("comment", "blocker") and not (text and text.strip()):
            raise ValueError("a comment needs some text" if kind == "comment" else "lifting a blocker needs a reason")
        if (
            kind == "blocker"
            and self.db.execute(
                "SELECT 1 FROM score_blockers WHERE session_id = ? AND rule_id = ?", [session_id, rule_id]
            ).fetchone()
            is None
        ):
            raise ValueError(f"the call has no blocker {rule_id!r} to lift")
        if self.db.execute("SELECT 1 FROM sessions WHERE id = ?", [session_id]).fetchone() is None:
            raise ValueError(f"no session {session_id}")
        if (
            turn_id is not None
            and self.db.execute("SELECT 1 FROM turns WHERE id = ? AND session_id = ?", [turn_id, session_id]).fetchone() is None
        ):
            raise ValueError(f"turn {turn_id} is not a turn of session {session_id}")
        aid = new_id()
        with self._writing("the note"):
            self.db.table("annotations").insert(
                {
                    "id": aid,
                    "session_id": session_id,
                    "turn_id": turn_id,
                    "author": author.strip(),
                    "kind": kind,
                    "dimension": dimension,
                    "value": value,
                    "rule_id": rule_id if kind == "blocker" else None,
                    "text": text or "",
                    "created_at": now(),
                    "kiosk_id": self.kiosk_id,
                }
            )
            if kind != "comment":
                verdicts.refresh(self.db.conn, [session_id])
        return aid

    def annotations(self, session_id: str) -> list[AnnotationRow]:
        """The session's annotations, oldest first (turn_id None: about the whole session)."""
        return cast(
            list[AnnotationRow],
            list(self.db.query("SELECT * FROM annotations WHERE session_id = ? ORDER BY created_at, rowid", [session_id])),
        )

    # reading
    def session(self, session_id: str) -> SessionRow:
        """Raises sqlite_utils.db.NotFoundError when there is no such session."""
        return cast(SessionRow, self.db.table("sessions").get(session_id))

    def sessions(self, trainee_id: str) -> list[SessionRow]:
        return cast(
            list[SessionRow],
            list(self.db.query("SELECT * FROM sessions WHERE trainee_id = ? ORDER BY started_at DESC", [trainee_id])),
        )

    def turns(self, session_id: str) -> list[StoredTurn]:
        """The session's turns in order, each with its score (None, with the reason, when its stored
        detail cannot be read: the turn still shows)."""
        return [
            StoredTurn.from_row(row)
            for row in self.db.query("SELECT * FROM turns WHERE session_id = ? ORDER BY idx, attempt", [session_id])
        ]
