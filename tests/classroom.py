"""Helpers for the classroom-data tests: real calls played through CallSession into a Store."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from trainer.session import CallSession
from trainer.store.store import Store

BREACH = "Your balance is $1,240 for the MRI on your knee. Pay it today with your card number."
TABLES = ("trainees", "trainee_aliases", "sessions", "turns", "score_blockers", "annotations")


def play(
    store: Store,
    library,
    name: str,
    scenario_id: str = "surprise-deductible",
    seed: int = 1,
    replies: int = 8,
    breach: bool = False,
    finish: bool = True,
) -> str:
    """Play a call for the trainee (model answers; a compliance breach first if breach); returns its id.

    finish=False leaves the call active after `replies` replies, as if the app were still running."""
    session = CallSession(library.get(scenario_id), store, store.sign_in(name), seed=seed)
    line = session.open()
    if breach:
        line = session.submit(BREACH).patient
    while not session.finished and len(session.turns) < replies:
        line = session.submit(line.model_answer or "I'm sorry. Can I have your full name and date of birth?").patient
    if finish and not session.finished:
        session.hang_up()
    return session.id


def kiosk(tmp_path: Path, name: str) -> Store:
    store = Store(tmp_path / name / "trainer.db")
    store.set_setting("kiosk_name", name)
    return store


def fingerprint(db_or_path) -> str:
    """A digest of every row of the data tables, to show a database did or did not change."""
    con = sqlite3.connect(db_or_path) if isinstance(db_or_path, (str, Path)) else db_or_path.db.conn
    h = hashlib.sha256()
    for table in TABLES:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        for row in con.execute(f"SELECT * FROM {table} ORDER BY {', '.join(cols)}"):
            h.update(repr(row).encode())
    if isinstance(db_or_path, (str, Path)):
        con.close()
    return h.hexdigest()
