-- Saima schema version 28 (PostgreSQL): autovacuum per table for the big tables. figures is the
-- one large table updated after it is written (draft → submitted → approved → published, and a
-- correction marks the old revision not current): vacuumed at 1 % dead rows instead of 20 %, and
-- analysed at 0.5 % changes, so that a new period's statistics are fresh within a day of intake.
-- The result tables and the audit are written once: the insert scale factor has them vacuumed
-- (visibility map set, rows frozen) after a period's publication instead of after a fifth of the
-- table is new, so that their index-only scans stay index-only.
ALTER TABLE figures SET (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_threshold = 10000,
    autovacuum_vacuum_insert_scale_factor = 0.01,
    autovacuum_analyze_scale_factor = 0.005,
    autovacuum_analyze_threshold = 10000);
ALTER TABLE result_rows SET (autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01);
ALTER TABLE warning_results SET (autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01);
ALTER TABLE unit_traces SET (autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE audit SET (autovacuum_vacuum_insert_scale_factor = 0.01);
