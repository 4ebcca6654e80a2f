-- Saima schema version 27 (PostgreSQL): which weights and step choices move ranks most, computed
-- from the rank intervals' own replicates when a result set is stored and kept with it: the
-- replicates' mean absolute rank shift on the run, and per factor (kind: indicator_weight,
-- group_weight, track_weight, impute, normalise, aggregate; code: the node's code, "track/code"
-- for a track's override, empty for a step list) its first-order share of the shift's variance,
-- largest first (ordinal 1). Written together with their result_sets row, whose change-stamp
-- trigger covers them.
ALTER TABLE rank_interval_runs ADD COLUMN mean_shift DOUBLE PRECISION;
CREATE TABLE rank_sensitivity (
    result_set_id BIGINT NOT NULL REFERENCES result_sets(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    first_order DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (result_set_id, ordinal)
);
