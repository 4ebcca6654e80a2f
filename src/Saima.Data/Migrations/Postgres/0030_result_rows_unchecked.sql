-- Saima schema version 30 (PostgreSQL): the write-once result tables result_rows and
-- warning_results lose their foreign keys to result_sets and units. Every row of them is written by
-- one door, the publication (ResultService), in the transaction that inserts its result set, for
-- the units of that set's own scored inputs; no result set and no unit is ever deleted (units are
-- retired, not removed), so the checks could never fail, and ON DELETE CASCADE never fires. They
-- cost most of a publication at a country's size: PostgreSQL checks each foreign key by a lookup
-- per copied row (1,000 units × 207 nodes: the COPY of one set's rows took 14.1 s with the two
-- keys, 2.95 s without them). The primary keys and indexes stay; unit_traces, rank_intervals and
-- what_it_takes (a few rows per unit) keep theirs.
ALTER TABLE result_rows DROP CONSTRAINT IF EXISTS result_rows_result_set_id_fkey;
ALTER TABLE result_rows DROP CONSTRAINT IF EXISTS result_rows_unit_id_fkey;
ALTER TABLE warning_results DROP CONSTRAINT IF EXISTS warning_results_result_set_id_fkey;
ALTER TABLE warning_results DROP CONSTRAINT IF EXISTS warning_results_unit_id_fkey;
