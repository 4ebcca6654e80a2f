-- Saima schema version 9 (Sqlite): the value a figure had when a reviewer returned it, kept until
-- it is submitted again, so that a returned figure goes back for review only changed, or
-- unchanged with a written explanation. Null for figures that were never returned.
ALTER TABLE figures ADD COLUMN returned_value REAL;
