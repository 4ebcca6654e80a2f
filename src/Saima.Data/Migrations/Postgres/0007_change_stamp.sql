-- Saima schema version 7 (PostgreSQL): the change stamps: row 1's value changes, at random,
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
CREATE TABLE change_stamp (
    id INTEGER PRIMARY KEY CHECK (id IN (1, 2)),
    value BIGINT NOT NULL
);
CREATE FUNCTION change_stamp_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO change_stamp (id, value) VALUES (TG_ARGV[0]::integer, (random() * 9.2e18 - 4.6e18)::bigint)
        ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END
$$;
CREATE TRIGGER change_stamp_units AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_schemes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON schemes FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_scheme_versions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON scheme_versions FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_scheme_units AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON scheme_units FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_indicators AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_targets AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON targets FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_periods AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON periods FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_adjustments AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON adjustments FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_result_sets AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON result_sets FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_geo_maps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON geo_maps FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(1);
CREATE TRIGGER change_stamp_figures AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON figures FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_touch(2);
