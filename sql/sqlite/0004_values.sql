-- 0004: the values units report for indicators, one per indicator × unit ×
-- period, with the review states and every step kept.
CREATE TABLE indicator_value (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    period       TEXT NOT NULL,
    value        REAL,
    note         TEXT,
    status       TEXT NOT NULL,               -- draft, submitted, approved, returned
    reason       TEXT,                        -- why it was returned
    deadline     TEXT NOT NULL,               -- YYYY-MM-DD, the last day to submit
    submitted_at TEXT,
    late         INTEGER NOT NULL DEFAULT 0,  -- submitted after the deadline
    updated_by   INTEGER REFERENCES person(id),
    updated_at   TEXT NOT NULL,
    UNIQUE (indicator_id, unit_id, period)
);
CREATE INDEX indicator_value_unit ON indicator_value(unit_id, period);
CREATE INDEX indicator_value_status ON indicator_value(status);

CREATE TABLE indicator_value_history (
    id         INTEGER PRIMARY KEY,
    value_id   INTEGER NOT NULL REFERENCES indicator_value(id),
    at         TEXT NOT NULL,
    person_id  INTEGER REFERENCES person(id),
    action     TEXT NOT NULL,                 -- save, submit, approve, return
    status     TEXT NOT NULL,
    value      REAL,
    note       TEXT,
    reason     TEXT
);
CREATE INDEX indicator_value_history_value ON indicator_value_history(value_id);
