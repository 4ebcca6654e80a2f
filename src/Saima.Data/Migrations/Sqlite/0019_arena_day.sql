-- Saima schema version 19 (SQLite): the on-site evaluation's day and kinds. A session has the
-- day it is held (held_on, yyyy-MM-dd) and its place; it may give bonus or penalty points by
-- rank at publication (rank_points: JSON {scheme, period, indicator, first, last}). A session may
-- be graded (民主测评) instead of scored by criteria: its grades (code, name, points) in order,
-- and each ballot then names one grade (arena_ballots.grade; its points are the ballot's total).
-- Read by the arena pages only: no change stamp.
ALTER TABLE arena_sessions ADD COLUMN held_on TEXT;
ALTER TABLE arena_sessions ADD COLUMN place TEXT;
ALTER TABLE arena_sessions ADD COLUMN rank_points TEXT;
CREATE TABLE arena_grades (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES arena_sessions(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    points REAL NOT NULL
);
CREATE UNIQUE INDEX ix_arena_grades_code ON arena_grades (session_id, code);
ALTER TABLE arena_ballots ADD COLUMN grade TEXT;
