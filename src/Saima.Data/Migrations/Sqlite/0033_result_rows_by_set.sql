-- Saima schema version 33 (SQLite): nothing. On PostgreSQL this version partitions result_rows and
-- warning_results by result set (each publication attaches its set's rows as a table of their own,
-- its primary key built once) and drops the foreign keys of unit_traces; SQLite has no partitions
-- and rebuilding a table to drop a key would gain nothing there, so the version is recorded and
-- nothing else changes.
SELECT 1;
