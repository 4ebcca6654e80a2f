-- Saima schema version 31 (SQLite): the open period's progress (Home, for every role) counted from
-- an index alone: the current figures of a period by unit, status and indicator (see the
-- PostgreSQL script of the same version).
CREATE INDEX IF NOT EXISTS ix_figures_progress ON figures (scheme_id, period, unit_id, status, indicator_id) WHERE is_current;
