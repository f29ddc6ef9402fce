"""Database schema, as numbered migrations. Add a migration; never edit a shipped one."""

from __future__ import annotations

from . import relabel

PAGE_SIZE = 16384  # for new databases, bundles, and databases compacted after an upgrade

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
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
    """,
    ),
    (
        2,
        """
    -- Settings of this database; 'kiosk_id' names it when its records travel in a bundle.
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO settings (key, value)
        SELECT 'kiosk_id', lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-'
                                 || substr('89ab', 1 + abs(random() % 4), 1) || substr(h, 18, 3) || '-'
                                 || substr(h, 21, 12))
        FROM (SELECT hex(randomblob(16)) AS h);

    -- Where a record was made, so bundles from many kiosks merge; and which run made a session.
    ALTER TABLE trainees ADD COLUMN kiosk_id TEXT;
    ALTER TABLE sessions ADD COLUMN kiosk_id TEXT;
    ALTER TABLE sessions ADD COLUMN topics TEXT;  -- JSON list of the scenario's CRCR topics at the time
    ALTER TABLE sessions ADD COLUMN run_id TEXT;
    UPDATE trainees SET kiosk_id = (SELECT value FROM settings WHERE key = 'kiosk_id');
    UPDATE sessions SET kiosk_id = (SELECT value FROM settings WHERE key = 'kiosk_id');

    -- A trainee who signed in on two kiosks has two ids; a merge keeps one and remembers the other here.
    CREATE TABLE trainee_aliases (
        alias_id TEXT PRIMARY KEY,
        trainee_id TEXT NOT NULL REFERENCES trainees(id) ON DELETE CASCADE
    );

    -- The compliance rules each scored turn breached (copied out of scores.detail, to count them fast).
    CREATE TABLE score_blockers (
        session_id TEXT NOT NULL,
        turn_id TEXT NOT NULL REFERENCES scores(turn_id) ON DELETE CASCADE,
        rule_id TEXT NOT NULL,
        PRIMARY KEY (session_id, turn_id, rule_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO score_blockers (session_id, turn_id, rule_id)
        SELECT t.session_id, s.turn_id, json_extract(b.value, '$.rule_id')
        FROM scores s JOIN turns t ON t.id = s.turn_id,
             json_each(CASE WHEN json_valid(s.detail) THEN s.detail ELSE '{}' END, '$.blockers') b
        WHERE s.blocked = 1 AND json_extract(b.value, '$.rule_id') IS NOT NULL;
    CREATE INDEX score_blockers_rule ON score_blockers(rule_id, session_id);

    -- Supervisor comments and score overrides, kept beside the automatic score (which is never changed).
    CREATE TABLE annotations (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        turn_id TEXT REFERENCES turns(id) ON DELETE CASCADE,  -- NULL: about the whole session
        author TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('comment', 'override')),
        dimension TEXT CHECK (dimension IN ('empathy', 'clarity', 'compliance', 'overall')),
        value INTEGER CHECK (value BETWEEN 0 AND 100),
        text TEXT NOT NULL DEFAULT '',  -- the comment, or the reason for the override
        created_at TEXT NOT NULL,
        kiosk_id TEXT,
        CHECK (kind = 'comment' OR (dimension IS NOT NULL AND value IS NOT NULL))
    );
    CREATE INDEX annotations_session ON annotations(session_id, created_at);

    -- One row per start of the app on this database; 'clean' is set at an orderly shutdown.
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        app_version TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        clean INTEGER NOT NULL DEFAULT 0,
        recovered_at TEXT,  -- when a later run found this one had ended badly
        integrity TEXT      -- what PRAGMA integrity_check said then
    );

    -- Bundles merged into this database, and the sessions already put in the xAPI outbox.
    CREATE TABLE imports (
        id TEXT PRIMARY KEY,
        bundle_id TEXT NOT NULL,
        kiosk_id TEXT,
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        summary TEXT NOT NULL
    );
    CREATE TABLE xapi_queue (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        ended_at TEXT,  -- the end it was queued for (a call taken up again and finished later goes again)
        queued_at TEXT NOT NULL
    );

    -- The supervisor's queries read these indexes only (they cover every column the queries need).
    DROP INDEX sessions_trainee;
    CREATE INDEX sessions_trainee ON sessions(trainee_id, started_at, empathy, clarity, compliance, overall, blocked);
    CREATE INDEX sessions_scenario ON sessions(scenario_id, topics, empathy, clarity, compliance, overall, blocked);
    CREATE INDEX sessions_active ON sessions(status) WHERE status = 'active';
    """,
    ),
    (
        3,
        """
    -- A turn and its score in one row, found by its place in the call: at millions of turns, one
    -- index in call order instead of three keyed by random UUIDs. A turn keeps its UUID (comments
    -- and blockers name it, always with its session). The score's detail is packed
    -- (trainer/store/detail.py; the migration runner registers pack_detail).
    CREATE TABLE turns_v3 (
        id TEXT NOT NULL,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 1,
        patient_node TEXT NOT NULL,
        patient_line_id TEXT NOT NULL,
        patient_text TEXT NOT NULL,
        reply TEXT NOT NULL,
        created_at TEXT NOT NULL,
        rubric_version TEXT NOT NULL,
        empathy INTEGER NOT NULL, clarity INTEGER NOT NULL, compliance INTEGER NOT NULL,
        overall INTEGER NOT NULL,
        blocked INTEGER NOT NULL,
        detail BLOB NOT NULL
    );
    INSERT INTO turns_v3
        SELECT t.id, t.session_id, t.idx, t.attempt, t.patient_node, t.patient_line_id, t.patient_text, t.reply,
               t.created_at, s.rubric_version, s.empathy, s.clarity, s.compliance, s.overall, s.blocked,
               pack_detail(s.detail)
        FROM turns t JOIN scores s ON s.turn_id = t.id ORDER BY t.session_id, t.idx, t.attempt;

    CREATE TABLE score_blockers_v3 (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        turn_id TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        PRIMARY KEY (session_id, turn_id, rule_id)
    ) WITHOUT ROWID;
    INSERT INTO score_blockers_v3 SELECT session_id, turn_id, rule_id FROM score_blockers;

    CREATE TABLE annotations_v3 (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        turn_id TEXT,  -- a turn of the session (checked when written); NULL: about the whole session
        author TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('comment', 'override')),
        dimension TEXT CHECK (dimension IN ('empathy', 'clarity', 'compliance', 'overall')),
        value INTEGER CHECK (value BETWEEN 0 AND 100),
        text TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        kiosk_id TEXT,
        CHECK (kind = 'comment' OR (dimension IS NOT NULL AND value IS NOT NULL))
    );
    INSERT INTO annotations_v3 SELECT id, session_id, turn_id, author, kind, dimension, value, text, created_at,
                                      kiosk_id FROM annotations ORDER BY rowid;

    DROP TABLE annotations;
    DROP TABLE score_blockers;
    DROP TABLE scores;
    DROP TABLE turns;
    ALTER TABLE turns_v3 RENAME TO turns;
    ALTER TABLE score_blockers_v3 RENAME TO score_blockers;
    ALTER TABLE annotations_v3 RENAME TO annotations;
    -- One reply per place in a call; an index of its own (not a table constraint) so that a big
    -- import can build it once at the end rather than keep it up to date turn by turn.
    CREATE UNIQUE INDEX turns_place ON turns(session_id, idx, attempt);
    CREATE INDEX score_blockers_rule ON score_blockers(rule_id, session_id);
    CREATE INDEX annotations_session ON annotations(session_id, created_at);
    """,
    ),
    # Rubric 2026.11-1 filed a hospital's threats under the financial-assistance rule; re-file them
    # under the rule that fired (the migration runner registers relabel_detail).
    (4, relabel.SQL),
    # Each call's verdict kept with it, so every view and export reads the one rule (trainer.verdict; the store
    # works the verdicts out again whenever that rule changes); two trainees may share a name (told apart by id,
    # and a supervisor resolves look-alikes).
    (
        5,
        """
    ALTER TABLE sessions ADD COLUMN passed INTEGER NOT NULL DEFAULT 0;
    DROP INDEX sessions_trainee;
    CREATE INDEX sessions_trainee ON sessions(trainee_id, started_at, empathy, clarity, compliance, overall, blocked,
                                              passed);
    DROP INDEX sessions_scenario;
    CREATE INDEX sessions_scenario ON sessions(scenario_id, topics, empathy, clarity, compliance, overall, blocked,
                                               passed);
    DROP INDEX trainees_name;
    CREATE INDEX trainees_name ON trainees(name COLLATE NOCASE);
    """,
    ),
    # Real calls a supervisor imported and scored (trainer/review, docs/call-review.md). Only redacted text is
    # written here: names, dates, card, account and record numbers are replaced before a review is stored.
    (
        6,
        """
    CREATE TABLE reviews (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        reviewer TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL,          -- the file's name, redacted
        format TEXT NOT NULL,
        role TEXT NOT NULL,
        rubric_version TEXT NOT NULL,
        staff_turns INTEGER NOT NULL,
        empathy INTEGER, clarity INTEGER, compliance INTEGER,
        overall INTEGER NOT NULL,
        blocked INTEGER NOT NULL,
        kiosk_id TEXT,
        detail TEXT NOT NULL           -- JSON: the redacted turns, their scores, evidence, blockers and redactions
    );
    CREATE INDEX reviews_created ON reviews(created_at);
    """,
    ),
    # A trainee signs in with a name and a personal PIN (trainer.store.pins): a JSON PinRecord, NULL until set.
    # It stays on this computer (bundles do not carry it).
    (
        7,
        """
    ALTER TABLE trainees ADD COLUMN pin TEXT;
    """,
    ),
    # A supervisor may lift a blocker (kind 'blocker', with the rule and a reason), and each call keeps the
    # automatic verdict beside the supervisor's (auto_passed beside passed).
    (
        8,
        """
    CREATE TABLE annotations_v8 (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        turn_id TEXT,  -- a turn of the session (checked when written); NULL: about the whole session
        author TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('comment', 'override', 'blocker')),
        dimension TEXT CHECK (dimension IN ('empathy', 'clarity', 'compliance', 'overall')),
        value INTEGER CHECK (value BETWEEN 0 AND 100),
        rule_id TEXT,  -- kind 'blocker': the rule whose blocker the supervisor lifted
        text TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        kiosk_id TEXT,
        CHECK (kind = 'comment' OR (kind = 'override' AND dimension IS NOT NULL AND value IS NOT NULL)
               OR (kind = 'blocker' AND rule_id IS NOT NULL AND text != ''))
    );
    INSERT INTO annotations_v8 (id, session_id, turn_id, author, kind, dimension, value, text, created_at, kiosk_id)
        SELECT id, session_id, turn_id, author, kind, dimension, value, text, created_at, kiosk_id
        FROM annotations ORDER BY rowid;
    DROP TABLE annotations;
    ALTER TABLE annotations_v8 RENAME TO annotations;
    CREATE INDEX annotations_session ON annotations(session_id, created_at);
    ALTER TABLE sessions ADD COLUMN auto_passed INTEGER NOT NULL DEFAULT 0;
    """,
    ),
    # A supervisor's assignments (trainer.store.assignments, trainer.assignments): to one trainee or, with
    # trainee_id NULL, the whole class (trainees added later too). Done-ness is worked out from the calls, never
    # stored. A withdrawal is a record of its own, so that bundles, which only add, carry it to the kiosks.
    (
        9,
        """
    CREATE TABLE assignments (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        author TEXT NOT NULL,
        kiosk_id TEXT,  -- where it was made
        trainee_id TEXT REFERENCES trainees(id),  -- NULL: the whole class
        kind TEXT NOT NULL CHECK (kind IN ('scenarios', 'domain', 'weakest')),
        scenarios TEXT,  -- kind 'scenarios': a JSON list of scenario ids
        domain TEXT,  -- kind 'domain': a CRCR domain
        due TEXT NOT NULL CHECK (length(due) = 10 AND date(due, '+0 days') IS due),  -- YYYY-MM-DD, a real day
        target INTEGER NOT NULL CHECK (target BETWEEN 0 AND 100),  -- the overall a call must reach
        CHECK ((kind = 'scenarios') = (scenarios IS NOT NULL AND json_valid(scenarios)))
        CHECK ((kind = 'domain') = (domain IS NOT NULL))
    ) WITHOUT ROWID;  -- a class has hundreds at most: no index beside the primary key
    CREATE TABLE assignment_withdrawals (
        assignment_id TEXT PRIMARY KEY REFERENCES assignments(id) ON DELETE CASCADE,
        withdrawn_at TEXT NOT NULL,
        author TEXT NOT NULL,
        kiosk_id TEXT
    ) WITHOUT ROWID;
    """,
    ),
]

CURRENT_VERSION = MIGRATIONS[-1][0]
