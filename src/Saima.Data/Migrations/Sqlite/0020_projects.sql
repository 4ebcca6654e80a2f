-- Saima schema version 20 (SQLite): major projects (重大项目) and list outcomes as indicator figures.
-- A batch (e.g. 第六批) groups projects; a project has a code, an owner unit, a category, its
-- total planned investment (万元), a state (active, closed out), and three stages (签约, 开工,
-- 投产/竣工), each with a planned and an actual day (days in the office's zone). Its monthly
-- investment is planned and done per month (yyyy-MM, 万元); evidence files hang from the project
-- (and the stage they prove). History: the audit trail, entity project, key the project's id.
-- indicator_feeds binds a scheme's indicator to a list outcome (resolution rate, overdue count,
-- projects started, investment completion rate), so the office fills its figures from the lists.
-- escalation_rules are a scheme's rules applied when a period is published (e.g. yellow twice in
-- a row → 督办函 and −1 point): each application is a list item and an approved adjustment.
-- Read by the project and list pages only: no change stamp.
CREATE TABLE project_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    shown_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_project_batches_name ON project_batches (name);
CREATE TABLE projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id INTEGER NOT NULL REFERENCES project_batches(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    owner_unit_id INTEGER NOT NULL REFERENCES units(id),
    category TEXT,
    planned_investment REAL NOT NULL,
    state INTEGER NOT NULL,
    signed_planned TEXT,
    signed_on TEXT,
    started_planned TEXT,
    started_on TEXT,
    finished_planned TEXT,
    finished_on TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT
);
CREATE UNIQUE INDEX ix_projects_code ON projects (code);
CREATE INDEX ix_projects_batch ON projects (batch_id, code);
CREATE INDEX ix_projects_owner ON projects (owner_unit_id, state);
CREATE TABLE project_investments (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    month TEXT NOT NULL,
    planned REAL,
    done REAL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (project_id, month)
);
CREATE TABLE project_evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    stage INTEGER,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX ix_project_evidence_project ON project_evidence (project_id);
CREATE TABLE indicator_feeds (
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    indicator TEXT NOT NULL,
    outcome INTEGER NOT NULL,
    list_kind INTEGER,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (scheme_id, indicator)
);
CREATE TABLE escalation_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    level TEXT NOT NULL,
    times INTEGER NOT NULL,
    points REAL NOT NULL,
    action TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX ix_escalation_rules_scheme ON escalation_rules (scheme_id);
