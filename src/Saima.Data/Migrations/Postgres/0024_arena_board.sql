-- Saima schema version 24: when the on-site evaluation's board (大屏) shows scores.
-- board_scores is 'live' (each round's score and the running ranking as each round closes) or
-- 'end' (only once every round is closed or the session is published; until then the board
-- shows the contestant on stage and the ballots in by category). Existing sessions keep 'live'.
-- Read by the arena pages only: no change stamp.
ALTER TABLE arena_sessions ADD COLUMN board_scores TEXT NOT NULL DEFAULT 'live';
