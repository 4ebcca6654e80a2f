-- Saima schema version 7 (SQLite): the change stamps: row 1's value changes, at random,
-- whenever a table that the published pages read from changes, in the same transaction; row 2's
-- whenever figures change (what Home's open-period progress is counted from). The web
-- application keeps what it read under the stamp it saw (Saima.Data.Store.ChangeStamp), so that one
-- tiny query per request tells whether anything it keeps may be out of date: after a write by the
-- web application, by `saima` on the command line or by hand in SQL alike. Random rather than
-- counted: a backup restored later, or another database's, cannot bring back a value seen before
-- with other contents. No row until the first change (an empty store holds no data).
-- result_rows and warning_results are written only together with their result_sets row (a result
-- set is frozen once stored), so the set's trigger covers them; audit, imports, users and reminders
-- move neither stamp; figures, which change all day, move only their own (row 2).
-- The triggers update, then insert only when there is no row: never a conflict, so that the
-- conflict clause of the statement that fires them (INSERT OR IGNORE ...), which SQLite applies to
-- the trigger's statements too, cannot turn the change into nothing.
CREATE TABLE change_stamp (
    id INTEGER PRIMARY KEY CHECK (id IN (1, 2)),
    value INTEGER NOT NULL
);
CREATE TRIGGER change_stamp_units_insert AFTER INSERT ON units BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_units_update AFTER UPDATE ON units BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_units_delete AFTER DELETE ON units BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_schemes_insert AFTER INSERT ON schemes BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_schemes_update AFTER UPDATE ON schemes BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_schemes_delete AFTER DELETE ON schemes BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_scheme_versions_insert AFTER INSERT ON scheme_versions BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_scheme_versions_update AFTER UPDATE ON scheme_versions BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_scheme_versions_delete AFTER DELETE ON scheme_versions BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_scheme_units_insert AFTER INSERT ON scheme_units BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_scheme_units_update AFTER UPDATE ON scheme_units BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_scheme_units_delete AFTER DELETE ON scheme_units BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_indicators_insert AFTER INSERT ON indicators BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_indicators_update AFTER UPDATE ON indicators BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_indicators_delete AFTER DELETE ON indicators BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_targets_insert AFTER INSERT ON targets BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_targets_update AFTER UPDATE ON targets BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_targets_delete AFTER DELETE ON targets BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_periods_insert AFTER INSERT ON periods BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_periods_update AFTER UPDATE ON periods BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_periods_delete AFTER DELETE ON periods BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_adjustments_insert AFTER INSERT ON adjustments BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_adjustments_update AFTER UPDATE ON adjustments BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_adjustments_delete AFTER DELETE ON adjustments BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_result_sets_insert AFTER INSERT ON result_sets BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_result_sets_update AFTER UPDATE ON result_sets BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_result_sets_delete AFTER DELETE ON result_sets BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_geo_maps_insert AFTER INSERT ON geo_maps BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_geo_maps_update AFTER UPDATE ON geo_maps BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_geo_maps_delete AFTER DELETE ON geo_maps BEGIN UPDATE change_stamp SET value = random() WHERE id = 1; INSERT INTO change_stamp (id, value) SELECT 1, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 1); END;
CREATE TRIGGER change_stamp_figures_insert AFTER INSERT ON figures BEGIN UPDATE change_stamp SET value = random() WHERE id = 2; INSERT INTO change_stamp (id, value) SELECT 2, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 2); END;
CREATE TRIGGER change_stamp_figures_update AFTER UPDATE ON figures BEGIN UPDATE change_stamp SET value = random() WHERE id = 2; INSERT INTO change_stamp (id, value) SELECT 2, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 2); END;
CREATE TRIGGER change_stamp_figures_delete AFTER DELETE ON figures BEGIN UPDATE change_stamp SET value = random() WHERE id = 2; INSERT INTO change_stamp (id, value) SELECT 2, random() WHERE NOT EXISTS (SELECT 1 FROM change_stamp WHERE id = 2); END;
