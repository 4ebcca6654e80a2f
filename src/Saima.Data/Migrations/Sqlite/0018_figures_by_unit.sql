-- Saima schema version 18: figures found by unit. The unit page (a unit's corrections, its figures
-- as scored) and a unit's entry page ask for one unit's figures of a scheme; the figures' other
-- indexes lead with the period, so these queries read every unit's figures of the scheme (0.7 s
-- per unit page on a province's two years). This index leads with the unit.
CREATE INDEX ix_figures_unit ON figures (scheme_id, unit_id, period);
