-- Saima schema version 6 (SQLite): reminders (催报) from the office to units late with their figures.
-- One row per late unit and recipient: the unit itself, or the source department whose indicators
-- of that unit are outstanding. Reads are per user.
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    period TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    recipient_unit_id INTEGER NOT NULL REFERENCES units(id),
    outstanding INTEGER NOT NULL,
    message TEXT,
    sent_at TEXT NOT NULL,
    sent_by TEXT NOT NULL
);
CREATE INDEX ix_reminders_period ON reminders (scheme_id, period, unit_id);
CREATE INDEX ix_reminders_recipient ON reminders (recipient_unit_id);
CREATE TABLE reminder_reads (
    reminder_id INTEGER NOT NULL REFERENCES reminders(id) ON DELETE CASCADE,
    user_name TEXT NOT NULL,
    read_at TEXT NOT NULL,
    PRIMARY KEY (reminder_id, user_name)
);
