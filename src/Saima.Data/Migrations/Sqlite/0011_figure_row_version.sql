-- Saima schema version 11 (Sqlite): a row version on figures for optimistic concurrency. Every
-- change of a figure adds one; a change made on a stale read (a reviewer approving a figure
-- another reviewer has just returned) finds another version and is refused instead of
-- overwriting the other decision. Existing figures start at 0.
ALTER TABLE figures ADD COLUMN row_version INTEGER NOT NULL DEFAULT 0;
