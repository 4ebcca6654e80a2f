-- Saima schema version 12 (SQLite): the tamper-evident audit trail. Every audit entry and every
-- result set carries its place in a hash chain (chain_seq: 1, 2, 3, ... without gaps) and a SHA-256
-- over its canonical form and the hash of the entry before it (Saima.Data.Store.HashChain).
-- hash_chains holds each chain's head (the last place and its hash): appends lock that row, so that
-- concurrent writers cannot fork a chain, and an entry removed from the end is noticed too.
-- Rows stored before this version are chained by the migrator in the same transaction as this
-- script (oldest id first), so that a store is never half chained.
ALTER TABLE audit ADD COLUMN chain_seq INTEGER;
ALTER TABLE audit ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX ux_audit_chain_seq ON audit (chain_seq);
ALTER TABLE result_sets ADD COLUMN chain_seq INTEGER;
ALTER TABLE result_sets ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX ux_result_sets_chain_seq ON result_sets (chain_seq);
CREATE TABLE hash_chains (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO hash_chains (name, seq, hash) VALUES ('audit', 0, '0000000000000000000000000000000000000000000000000000000000000000');
INSERT INTO hash_chains (name, seq, hash) VALUES ('result_sets', 0, '0000000000000000000000000000000000000000000000000000000000000000');
