-- Saima schema version 13 (SQLite): on-site evaluation (现场评议 / 擂台). A session has criteria
-- (maximum points), examiner categories (weight, how many top and bottom totals each drops),
-- contestants in presentation order (each with its round: pending, open, closed) and judges
-- (only the SHA-256 of each judge's token is kept). Every ballot a judge sends is kept: a newer
-- one for the same contestant gets the next version, the latest counts. Publication freezes the
-- results (results_json). Read by the arena pages only: no change stamp.
CREATE TABLE arena_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    stage TEXT NOT NULL,
    points_scheme TEXT,
    points_period TEXT,
    points_indicator TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    published_at TEXT,
    published_by TEXT,
    results_json TEXT
);
CREATE UNIQUE INDEX ix_arena_sessions_code ON arena_sessions (code);
CREATE TABLE arena_criteria (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES arena_sessions(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    max_points REAL NOT NULL
);
CREATE UNIQUE INDEX ix_arena_criteria_code ON arena_criteria (session_id, code);
CREATE TABLE arena_categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES arena_sessions(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    weight REAL NOT NULL,
    trim_count INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_arena_categories_code ON arena_categories (session_id, code);
CREATE TABLE arena_contestants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES arena_sessions(id),
    position INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    state INTEGER NOT NULL,
    opened_at TEXT,
    closed_at TEXT
);
CREATE UNIQUE INDEX ix_arena_contestants_unit ON arena_contestants (session_id, unit_id);
CREATE TABLE arena_judges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES arena_sessions(id),
    public_id TEXT NOT NULL,
    category_id INTEGER NOT NULL REFERENCES arena_categories(id),
    unit_id INTEGER REFERENCES units(id),
    name TEXT,
    token_hash TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    voided_at TEXT,
    voided_by TEXT,
    void_reason TEXT
);
CREATE UNIQUE INDEX ix_arena_judges_token_hash ON arena_judges (token_hash);
CREATE UNIQUE INDEX ix_arena_judges_public_id ON arena_judges (public_id);
CREATE INDEX ix_arena_judges_session ON arena_judges (session_id);
CREATE TABLE arena_ballots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES arena_sessions(id),
    contestant_id INTEGER NOT NULL REFERENCES arena_contestants(id),
    judge_id INTEGER NOT NULL REFERENCES arena_judges(id),
    version INTEGER NOT NULL,
    scores TEXT NOT NULL,
    total REAL NOT NULL,
    received_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_arena_ballots_version ON arena_ballots (judge_id, contestant_id, version);
CREATE INDEX ix_arena_ballots_session ON arena_ballots (session_id, contestant_id);
