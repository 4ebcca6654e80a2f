-- Saima schema version 29 (SQLite): analysis kept with its result set instead of computed on a
-- request. what_it_takes holds per result set and ranked unit the compact answer to "what would
-- it take" (one place up and first place at the root: the unit's rank among the ranked, and the
-- steps as JSON), written at publication for a small set and by the web application's background
-- service for a big one; the unit page and the feedback report read it. analysis_pending lists the
-- result sets stored without their rank intervals (a set too big to compute them in the
-- publication's transaction): the background service computes and stores them, then deletes the
-- row. Inserting a rank_interval_runs row moves the change stamp (page caches), as the set's own
-- row does when the intervals are written with it; what_it_takes is read per request by its key,
-- so it moves nothing.
CREATE TABLE what_it_takes (
    result_set_id INTEGER NOT NULL REFERENCES result_sets(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    rank INTEGER NOT NULL,
    ranked INTEGER NOT NULL,
    answer_json TEXT NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    PRIMARY KEY (result_set_id, unit_id)
);
CREATE TABLE analysis_pending (
    result_set_id INTEGER PRIMARY KEY REFERENCES result_sets(id) ON DELETE CASCADE,
    queued_at TEXT NOT NULL
);
CREATE TRIGGER change_stamp_rank_interval_runs_insert AFTER INSERT ON rank_interval_runs BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
