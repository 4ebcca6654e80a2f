-- Saima schema version 8 (SQLite): what the office's year in the browser needs.
-- periods: who opened a period and when, and how missing figures counted when it was published
--   (missing_rule: 'scheme' = the scheme's imputation rule, 'zero' = counted as 0); status 2 = intake closed.
-- figures: the reporter's written explanation (a value outside the plausible range, a returned
--   figure submitted again unchanged) and flags the checks raised (1 = outside the plausible
--   range, 2 = a year-to-date figure below the previous month's).
-- adjustments: bonus and penalty items are proposed, then approved or rejected (status 0 proposed,
--   1 approved, 2 rejected, 3 withdrawn); existing items count as approved.
-- evidence: files attached to a figure, a correction or an adjustment (entity + id), kept in
--   the database (content) or in a configured folder (stored_path), type checked by content.
-- settings: the office's settings (time zone, name), one value per key.
ALTER TABLE periods ADD COLUMN opened_at TEXT;
ALTER TABLE periods ADD COLUMN opened_by TEXT;
ALTER TABLE periods ADD COLUMN missing_rule TEXT;
ALTER TABLE figures ADD COLUMN explanation TEXT;
ALTER TABLE figures ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;
ALTER TABLE adjustments ADD COLUMN status INTEGER NOT NULL DEFAULT 1;
ALTER TABLE adjustments ADD COLUMN reviewed_by TEXT;
ALTER TABLE adjustments ADD COLUMN reviewed_at TEXT;
ALTER TABLE adjustments ADD COLUMN review_comment TEXT;
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB,
    stored_path TEXT,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX ix_evidence_entity ON evidence (entity, entity_id);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
