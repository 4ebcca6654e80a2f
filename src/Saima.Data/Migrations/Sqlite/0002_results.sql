-- Saima schema version 2 (SQLite): stored results (scores, ranks, warnings) per scheme version and period.
CREATE TABLE result_sets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    scheme_version_id INTEGER NOT NULL REFERENCES scheme_versions(id),
    period TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    computed_by TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    explain_json TEXT
);
CREATE INDEX ix_result_sets_period ON result_sets (scheme_id, period);
CREATE TABLE result_rows (
    result_set_id INTEGER NOT NULL REFERENCES result_sets(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    node TEXT NOT NULL,
    value REAL,
    score REAL,
    rank INTEGER,
    track_rank INTEGER,
    rank_change INTEGER,
    PRIMARY KEY (result_set_id, unit_id, node)
);
CREATE TABLE warning_results (
    result_set_id INTEGER NOT NULL REFERENCES result_sets(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    indicator TEXT NOT NULL,
    value REAL,
    target REAL,
    completion REAL,
    expected REAL,
    gap REAL,
    level TEXT,
    PRIMARY KEY (result_set_id, unit_id, indicator)
);
