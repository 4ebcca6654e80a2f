-- Saima schema version 16 (SQLite): publications. The office's annual rule per scheme (how the
-- year's composite is formed, grades, awards; JSON) and the archive of issued documents (circular,
-- feedback report, annual results): bytes, SHA-256, who issued them and when. Issued documents
-- are never changed.
CREATE TABLE annual_rules (
    scheme_id INTEGER PRIMARY KEY REFERENCES schemes(id),
    rule_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE issued_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL
);
CREATE INDEX ix_issued_documents_scheme ON issued_documents (scheme_id, period, kind);
CREATE TRIGGER tr_issued_documents_immutable BEFORE UPDATE ON issued_documents
BEGIN
    SELECT RAISE(ABORT, 'issued documents are immutable');
END;
