-- Saima schema version 33 (PostgreSQL): result_rows and warning_results partitioned by result set
-- (PARTITION BY RANGE (result_set_id)). The publication writes a new set's rows into a table of
-- their own without an index, builds the primary key over them once, and attaches the table as the
-- set's partition, instead of inserting millions of entries one by one into the primary key of a
-- table holding every earlier set: a township set at a country (40,000 units × 55 nodes, 2.2
-- million rows) took 7.5-12 s that way, and takes about 5 s this way. Every query of these tables
-- names its set or sets, so it reads only their partitions. The rows stored before this version
-- stay where they are, as the partition of every set up to now. Nothing else changes: the same
-- columns, the same primary keys, no rows are moved. The per-table autovacuum settings of version
-- 28 do not apply to a partitioned table; each set's partition is analysed when it is written.
-- unit_traces (one row per unit of a set, written by the same publication) loses its foreign keys
-- as result_rows did in version 30, for the same reasons: no result set and no unit is ever
-- deleted, the rows are written only for the set's own units, and the checks cost a lookup per row
-- in each referenced table (40,000 traces of a township set: 1.9 s with them, 0.7 s without).
DO $$
DECLARE
    -- Past every set stored so far (and every row's set, though each has its result_sets row).
    next_set BIGINT := GREATEST(
        COALESCE((SELECT max(id) FROM result_sets), 0),
        COALESCE((SELECT max(result_set_id) FROM result_rows), 0),
        COALESCE((SELECT max(result_set_id) FROM warning_results), 0)) + 1;
BEGIN
    ALTER TABLE result_rows RENAME TO result_rows_before_33;
    ALTER TABLE result_rows_before_33 RENAME CONSTRAINT result_rows_pkey TO result_rows_before_33_pkey;
    ALTER TABLE result_rows_before_33 RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor);
    CREATE TABLE result_rows (
        result_set_id BIGINT NOT NULL,
        unit_id BIGINT NOT NULL,
        node TEXT NOT NULL,
        value DOUBLE PRECISION,
        score DOUBLE PRECISION,
        rank INTEGER,
        track_rank INTEGER,
        rank_change INTEGER,
        PRIMARY KEY (result_set_id, unit_id, node)
    ) PARTITION BY RANGE (result_set_id);
    EXECUTE format('ALTER TABLE result_rows ATTACH PARTITION result_rows_before_33 FOR VALUES FROM (MINVALUE) TO (%s)', next_set);

    ALTER TABLE warning_results RENAME TO warning_results_before_33;
    ALTER TABLE warning_results_before_33 RENAME CONSTRAINT warning_results_pkey TO warning_results_before_33_pkey;
    ALTER TABLE warning_results_before_33 RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor);
    CREATE TABLE warning_results (
        result_set_id BIGINT NOT NULL,
        unit_id BIGINT NOT NULL,
        indicator TEXT NOT NULL,
        value DOUBLE PRECISION,
        target DOUBLE PRECISION,
        completion DOUBLE PRECISION,
        expected DOUBLE PRECISION,
        gap DOUBLE PRECISION,
        level TEXT,
        PRIMARY KEY (result_set_id, unit_id, indicator)
    ) PARTITION BY RANGE (result_set_id);
    EXECUTE format('ALTER TABLE warning_results ATTACH PARTITION warning_results_before_33 FOR VALUES FROM (MINVALUE) TO (%s)', next_set);
END $$;
ALTER TABLE unit_traces DROP CONSTRAINT IF EXISTS unit_traces_result_set_id_fkey;
ALTER TABLE unit_traces DROP CONSTRAINT IF EXISTS unit_traces_unit_id_fkey;
