-- Saima schema version 15 (SQLite): how each unit's scores of a result set came about (the rule,
-- raw figure, target, imputation, score, bonus/penalty points per node and the weights each group
-- used), as compact JSON, written when the set is computed so that the unit page reads it instead
-- of scoring the period again. Like result_rows, written together with its result_sets row (whose
-- change-stamp trigger covers it); for a set computed before this version, written once on first
-- read with what scoring the set's stored inputs again gives, which changes nothing a page shows:
-- hence no change-stamp trigger of its own.
CREATE TABLE unit_traces (
    result_set_id INTEGER NOT NULL REFERENCES result_sets(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    trace TEXT NOT NULL,
    PRIMARY KEY (result_set_id, unit_id)
);
