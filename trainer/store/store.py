"""The trainer's records: trainees, sessions, turns and their scores."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

from ..domain import Turn
from .db import now, open_database


def new_id() -> str:
    return str(uuid.uuid4())


class Store:
    """One SQLite database. Use it from one thread only (sqlite-utils connections are per-thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = open_database(self.path)

    def close(self) -> None:
        self.db.close()

    # trainees
    def sign_in(self, name: str, badge: str | None = None) -> str:
        """The trainee's id, creating the trainee on first sign-in (names match case-insensitively)."""
        row = self.db.execute("SELECT id FROM trainees WHERE name = ? COLLATE NOCASE", [name]).fetchone()
        if row:
            return row[0]
        tid = new_id()
        with self.db.conn:
            self.db["trainees"].insert({"id": tid, "name": name, "badge": badge, "created_at": now()})
        return tid

    # sessions
    def start_session(self, trainee_id: str, scenario_id: str, scenario_title: str, scenario_hash: str,
                      rubric_version: str, persona_mode: str, seed: int) -> str:
        sid = new_id()
        with self.db.conn:
            self.db["sessions"].insert({
                "id": sid, "trainee_id": trainee_id, "scenario_id": scenario_id, "scenario_title": scenario_title,
                "scenario_hash": scenario_hash, "rubric_version": rubric_version, "persona_mode": persona_mode,
                "seed": seed, "status": "active", "started_at": now(),
            })
        return sid

    def add_turn(self, session_id: str, turn: Turn) -> str:
        """Commit one answered turn with its score; returns the turn's id."""
        tid = new_id()
        sc = turn.score
        with self.db.conn:
            self.db["turns"].insert({
                "id": tid, "session_id": session_id, "idx": turn.index, "attempt": turn.attempt,
                "patient_node": turn.patient.node_id, "patient_line_id": turn.patient.line_id,
                "patient_text": turn.patient.text, "reply": turn.reply, "created_at": now(),
            })
            self.db["scores"].insert({
                "turn_id": tid, "rubric_version": sc.rubric_version, "empathy": sc.empathy.score,
                "clarity": sc.clarity.score, "compliance": sc.compliance.score, "overall": sc.overall,
                "blocked": int(bool(sc.blockers)), "detail": json.dumps(sc.to_dict()),
            })
        return tid

    def reopen_session(self, session_id: str) -> None:
        """A finished call goes on again (the trainee retries its last turn)."""
        with self.db.conn:
            self.db["sessions"].update(session_id, {"status": "active", "ending": None, "ended_at": None})

    def finish_session(self, session_id: str, status: str, ending: str | None, summary: dict) -> None:
        with self.db.conn:
            self.db["sessions"].update(session_id, {
                "status": status, "ending": ending, "ended_at": now(),
                "empathy": summary.get("empathy"), "clarity": summary.get("clarity"),
                "compliance": summary.get("compliance"), "overall": summary.get("overall"),
                "blocked": int(bool(summary.get("blocked"))),
            })

    def mark_interrupted(self) -> int:
        """Sessions left 'active' by a run that ended badly; returns how many."""
        with self.db.conn:
            cur = self.db.execute("UPDATE sessions SET status = 'interrupted' WHERE status = 'active'")
        return cur.rowcount

    # reading
    def session(self, session_id: str) -> dict:
        return self.db["sessions"].get(session_id)

    def sessions(self, trainee_id: str) -> list[dict]:
        return list(self.db.query("SELECT * FROM sessions WHERE trainee_id = ? ORDER BY started_at DESC",
                                  [trainee_id]))

    def turns(self, session_id: str) -> list[dict]:
        return list(self.db.query(
            "SELECT t.*, s.empathy, s.clarity, s.compliance, s.overall, s.blocked, s.rubric_version, s.detail "
            "FROM turns t JOIN scores s ON s.turn_id = t.id WHERE t.session_id = ? ORDER BY t.idx, t.attempt",
            [session_id]))
