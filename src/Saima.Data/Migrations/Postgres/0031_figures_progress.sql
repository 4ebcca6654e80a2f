-- Saima schema version 31 (PostgreSQL): the open period's progress (Home, for every role) counted
-- from an index alone. Home counts a period's current figures by status and, per unit, its
-- approved ones (the late units, the most outstanding first); ix_figures_current holds neither the
-- unit, the status nor the indicator, so each count read every figure's row from the table (2
-- million for a township period at a country). This partial index holds the current figures only,
-- in the order Home groups them (unit, then status), with the indicator for the due ones' test.
CREATE INDEX IF NOT EXISTS ix_figures_progress ON figures (scheme_id, period, unit_id, status) INCLUDE (indicator_id) WHERE is_current;
