"""Database schema, as numbered migrations. Add a migration; never edit a shipped one."""
from __future__ import annotations

MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    CREATE TABLE trainees (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        badge TEXT,
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX trainees_name ON trainees(name COLLATE NOCASE);
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        trainee_id TEXT NOT NULL REFERENCES trainees(id),
        scenario_id TEXT NOT NULL,
        scenario_title TEXT NOT NULL,
        scenario_hash TEXT NOT NULL,
        rubric_version TEXT NOT NULL,
        persona_mode TEXT NOT NULL,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'abandoned', 'interrupted')),
        ending TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        empathy INTEGER, clarity INTEGER, compliance INTEGER, overall INTEGER,
        blocked INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sessions_trainee ON sessions(trainee_id, started_at);
    CREATE TABLE turns (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 1,
        patient_node TEXT NOT NULL,
        patient_line_id TEXT NOT NULL,
        patient_text TEXT NOT NULL,
        reply TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (session_id, idx, attempt)
    );
    CREATE TABLE scores (
        turn_id TEXT PRIMARY KEY REFERENCES turns(id) ON DELETE CASCADE,
        rubric_version TEXT NOT NULL,
        empathy INTEGER NOT NULL, clarity INTEGER NOT NULL, compliance INTEGER NOT NULL,
        overall INTEGER NOT NULL,
        blocked INTEGER NOT NULL,
        detail TEXT NOT NULL
    );
    """),
]

CURRENT_VERSION = MIGRATIONS[-1][0]
