-- Saima schema version 28 (SQLite): nothing. On PostgreSQL this version sets autovacuum per table
-- for figures and the write-once result tables; SQLite has no autovacuum of that kind (its
-- auto_vacuum only returns free pages), so the version is recorded and nothing else changes.
SELECT 1;
