-- Saima schema version 17 (SQLite): what several web nodes on one database share. The keys that
-- protect cookies and anti-forgery tokens (ASP.NET Core data protection), so that a login made on
-- one node is read on another; leases, so that a background job runs on one node at a time; and
-- the audit chains' checkpoints, each a place of a chain verified whole, from which pages verify
-- only what came after.
CREATE TABLE data_protection_keys (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    friendly_name TEXT,
    xml TEXT
);
CREATE TABLE job_leases (
    name TEXT NOT NULL PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE chain_checkpoints (
    chain TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    verified_at TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);
