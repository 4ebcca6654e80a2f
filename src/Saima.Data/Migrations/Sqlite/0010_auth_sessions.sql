-- Saima schema version 10 (SQLite): the web application's login sessions, kept on the server. The
-- login cookie holds only a session's id; the session (the signed-in user's claims, serialized)
-- is here, so that logging out, an office reset or lock ends it for every copy of the cookie at
-- once, and every web node on one database knows the same sessions. Times are Unix seconds (UTC).
CREATE TABLE auth_sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT REFERENCES identity_users(id) ON DELETE CASCADE,
    ticket BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX ix_auth_sessions_user_id ON auth_sessions (user_id);
CREATE INDEX ix_auth_sessions_expires_at ON auth_sessions (expires_at);
