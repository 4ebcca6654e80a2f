-- Saima schema version 14 (SQLite): lists and supervision (问题清单, 督办, 销号, 回头看). An item has
-- a kind (shortcoming, commitment, supervision, enterprise problem), a source (a red warning of a
-- published period, an on-site evaluation, a visit, a leader's instruction, an enterprise, by
-- hand) with its reference, an owner unit and co-owner units, a responsible person, a deadline
-- and a follow-up date (dates in the office's zone), a state and its close-out fields. source_key
-- is unique: a red warning makes one draft however often its period's results are stored.
-- Measures (整改措施), comments and evidence files hang from the item; its history is the audit
-- trail (entity list_item). Read by the list pages only: no change stamp.
CREATE TABLE list_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind INTEGER NOT NULL,
    state INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    source_kind INTEGER NOT NULL,
    source_ref TEXT,
    source_key TEXT,
    scheme_id INTEGER REFERENCES schemes(id),
    period TEXT,
    indicator TEXT,
    owner_unit_id INTEGER NOT NULL REFERENCES units(id),
    responsible TEXT,
    deadline TEXT,
    follow_up_on TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    account TEXT,
    closed_at TEXT,
    closed_on TEXT,
    closed_by TEXT,
    return_reason TEXT,
    dismiss_reason TEXT,
    reopened INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_list_items_source_key ON list_items (source_key);
CREATE INDEX ix_list_items_owner ON list_items (owner_unit_id, state, deadline);
CREATE INDEX ix_list_items_state ON list_items (state, deadline);
CREATE TABLE list_co_owners (
    item_id INTEGER NOT NULL REFERENCES list_items(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX ix_list_co_owners_unit ON list_co_owners (unit_id, item_id);
CREATE TABLE list_measures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL REFERENCES list_items(id),
    text TEXT NOT NULL,
    owner TEXT,
    deadline TEXT,
    state INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX ix_list_measures_item ON list_measures (item_id);
CREATE TABLE list_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL REFERENCES list_items(id),
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX ix_list_comments_item ON list_comments (item_id);
CREATE TABLE list_evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL REFERENCES list_items(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX ix_list_evidence_item ON list_evidence (item_id);
