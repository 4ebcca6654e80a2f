-- Saima schema version 4 (SQLite): users and roles of the web application (ASP.NET Core Identity,
-- mapped by Saima.Web's SaimaIdentityDb onto these snake_case tables). A user may belong to a
-- unit (reporters, reviewers) or to a source department; must_change_password marks a one-time
-- password that has to be changed at the next login.
CREATE TABLE identity_roles (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT,
    normalized_name TEXT,
    concurrency_stamp TEXT
);
CREATE UNIQUE INDEX ix_identity_roles_normalized_name ON identity_roles (normalized_name);

CREATE TABLE identity_users (
    id TEXT NOT NULL PRIMARY KEY,
    user_name TEXT,
    normalized_user_name TEXT,
    email TEXT,
    normalized_email TEXT,
    email_confirmed INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT,
    security_stamp TEXT,
    concurrency_stamp TEXT,
    phone_number TEXT,
    phone_number_confirmed INTEGER NOT NULL DEFAULT 0,
    two_factor_enabled INTEGER NOT NULL DEFAULT 0,
    lockout_end TEXT,
    lockout_enabled INTEGER NOT NULL DEFAULT 1,
    access_failed_count INTEGER NOT NULL DEFAULT 0,
    display_name TEXT,
    unit_id INTEGER REFERENCES units(id),
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_identity_users_normalized_user_name ON identity_users (normalized_user_name);
CREATE INDEX ix_identity_users_normalized_email ON identity_users (normalized_email);
CREATE INDEX ix_identity_users_unit_id ON identity_users (unit_id);

CREATE TABLE identity_user_roles (
    user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES identity_roles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX ix_identity_user_roles_role_id ON identity_user_roles (role_id);

CREATE TABLE identity_user_claims (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
    claim_type TEXT,
    claim_value TEXT
);
CREATE INDEX ix_identity_user_claims_user_id ON identity_user_claims (user_id);

CREATE TABLE identity_role_claims (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    role_id TEXT NOT NULL REFERENCES identity_roles(id) ON DELETE CASCADE,
    claim_type TEXT,
    claim_value TEXT
);
CREATE INDEX ix_identity_role_claims_role_id ON identity_role_claims (role_id);

CREATE TABLE identity_user_logins (
    login_provider TEXT NOT NULL,
    provider_key TEXT NOT NULL,
    provider_display_name TEXT,
    user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
    PRIMARY KEY (login_provider, provider_key)
);
CREATE INDEX ix_identity_user_logins_user_id ON identity_user_logins (user_id);

CREATE TABLE identity_user_tokens (
    user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
    login_provider TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (user_id, login_provider, name)
);
