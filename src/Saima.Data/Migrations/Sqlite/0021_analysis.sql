-- Saima schema version 21 (SQLite): benchmarking and analysis. The office's analysis settings per
-- scheme (the step alternatives the rank intervals draw from, as JSON, none meaning default
-- weights only; the context indicators that choose nearest peers); the rank intervals computed
-- when a result set is stored (the run's replicates, seed and spread, and per unit the 90%
-- interval of the overall and the track rank), written together with their result_sets row
-- (whose change-stamp trigger covers them); the peers the office names per unit; and the external
-- benchmarks (advanced places outside the assessment: name, indicator, period or year, value,
-- source), shown beside a unit's figures and never ranked.
CREATE TABLE analysis_settings (
    scheme_id INTEGER PRIMARY KEY REFERENCES schemes(id),
    alternatives_json TEXT,
    context_indicators TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE rank_interval_runs (
    result_set_id INTEGER PRIMARY KEY REFERENCES result_sets(id) ON DELETE CASCADE,
    replicates INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    weight_spread REAL NOT NULL,
    alternatives_json TEXT,
    elapsed_ms INTEGER NOT NULL
);
CREATE TABLE rank_intervals (
    result_set_id INTEGER NOT NULL REFERENCES result_sets(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    rank_low INTEGER,
    rank_high INTEGER,
    track_rank_low INTEGER,
    track_rank_high INTEGER,
    PRIMARY KEY (result_set_id, unit_id)
);
CREATE TABLE named_peers (
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    peer_unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (scheme_id, unit_id, peer_unit_id)
);
CREATE TABLE external_benchmarks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    name TEXT NOT NULL,
    indicator TEXT NOT NULL,
    period TEXT NOT NULL,
    value REAL NOT NULL,
    source TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL
);
CREATE INDEX ix_external_benchmarks_scheme ON external_benchmarks (scheme_id, indicator, period);
CREATE TRIGGER change_stamp_analysis_settings_insert AFTER INSERT ON analysis_settings BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_analysis_settings_update AFTER UPDATE ON analysis_settings BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_analysis_settings_delete AFTER DELETE ON analysis_settings BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_named_peers_insert AFTER INSERT ON named_peers BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_named_peers_update AFTER UPDATE ON named_peers BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_named_peers_delete AFTER DELETE ON named_peers BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_external_benchmarks_insert AFTER INSERT ON external_benchmarks BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_external_benchmarks_update AFTER UPDATE ON external_benchmarks BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_external_benchmarks_delete AFTER DELETE ON external_benchmarks BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
