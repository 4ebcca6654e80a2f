-- Saima schema version 30 (SQLite): nothing. On PostgreSQL this version drops the foreign keys of
-- the write-once result tables (result_rows, warning_results), which cost most of a publication's
-- COPY there; SQLite checks foreign keys only where a connection turns them on, and dropping one
-- would mean rebuilding the table, so the version is recorded and nothing else changes.
SELECT 1;
