-- Saima schema version 5 (SQLite): personal API tokens of the web application's users. Only the
-- SHA-256 of a token is kept (token_hash, lower-case hex); prefix is its first characters, shown
-- in lists so that a user recognises a token without it being stored. A revoked or expired token
-- is refused; rows are kept for the audit trail.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE UNIQUE INDEX ix_api_tokens_token_hash ON api_tokens (token_hash);
CREATE INDEX ix_api_tokens_user_id ON api_tokens (user_id);
