\timing on
DROP SCHEMA IF EXISTS exp CASCADE;
CREATE SCHEMA exp;
CREATE TABLE exp.figures_y (LIKE public.figures INCLUDING DEFAULTS) PARTITION BY RANGE (period);
CREATE TABLE exp.figures_y2024 PARTITION OF exp.figures_y FOR VALUES FROM ('2024') TO ('2025');
CREATE TABLE exp.figures_y2025 PARTITION OF exp.figures_y FOR VALUES FROM ('2025') TO ('2026');
INSERT INTO exp.figures_y SELECT * FROM public.figures;
ALTER TABLE exp.figures_y ADD PRIMARY KEY (id, period);
CREATE UNIQUE INDEX ON exp.figures_y (scheme_id, period, unit_id, indicator_id, revision);
CREATE INDEX ON exp.figures_y (scheme_id, period, is_current);
CREATE INDEX ON exp.figures_y (scheme_id, unit_id, period);
VACUUM ANALYZE exp.figures_y;
SELECT c.relname, pg_size_pretty(pg_total_relation_size(c.oid)), pg_total_relation_size(c.oid), pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace WHERE n.nspname='exp' AND c.relkind='r';
