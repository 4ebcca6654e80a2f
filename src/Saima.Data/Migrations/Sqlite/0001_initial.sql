-- Saima schema version 1 (SQLite): units, schemes and their versions, indicators, targets,
-- periods, figures with revisions, imports, the audit trail and bonus/penalty items.
CREATE TABLE units (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    kind INTEGER NOT NULL,
    parent_id INTEGER REFERENCES units(id)
);
CREATE TABLE schemes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    frequency TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE scheme_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    version INTEGER NOT NULL,
    json TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (scheme_id, version)
);
CREATE TABLE scheme_units (
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    track TEXT,
    PRIMARY KEY (scheme_id, unit_id)
);
CREATE TABLE indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    dimension TEXT,
    direction INTEGER NOT NULL,
    unit_of_measure TEXT,
    frequency TEXT NOT NULL,
    cumulative INTEGER NOT NULL,
    source_unit_id INTEGER REFERENCES units(id),
    min_plausible REAL,
    max_plausible REAL,
    is_public INTEGER NOT NULL,
    growth_of_id INTEGER REFERENCES indicators(id),
    sort_order INTEGER NOT NULL,
    UNIQUE (scheme_id, code)
);
CREATE TABLE targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    year INTEGER NOT NULL,
    value REAL NOT NULL,
    UNIQUE (scheme_id, unit_id, indicator_id, year)
);
CREATE TABLE periods (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    code TEXT NOT NULL,
    status INTEGER NOT NULL,
    deadline TEXT,
    scheme_version_id INTEGER REFERENCES scheme_versions(id),
    published_at TEXT,
    published_by TEXT,
    UNIQUE (scheme_id, code)
);
CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    file_name TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    rows INTEGER NOT NULL
);
CREATE TABLE figures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    period TEXT NOT NULL,
    value REAL,
    status INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    comment TEXT,
    reason TEXT,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    import_id INTEGER REFERENCES imports(id),
    UNIQUE (scheme_id, period, unit_id, indicator_id, revision)
);
CREATE INDEX ix_figures_current ON figures (scheme_id, period, is_current);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    reason TEXT
);
CREATE INDEX ix_audit_entity ON audit (entity, entity_key);
CREATE TABLE adjustments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT,
    node TEXT,
    points REAL NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
