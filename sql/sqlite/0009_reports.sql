-- 0009: review reports generated as jobs, kept with the content (the data
-- state they used) so that each can be downloaded again later; and the
-- reminders the daily job leaves for each unit.
CREATE TABLE report_job (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,                -- review
    document_id  INTEGER NOT NULL REFERENCES document(id),
    period       TEXT NOT NULL,
    final        INTEGER NOT NULL DEFAULT 0,   -- tổng kết rather than sơ kết
    status       TEXT NOT NULL,                -- queued, running, done, failed
    progress     INTEGER NOT NULL DEFAULT 0,   -- percent
    error        TEXT,
    data_seq     INTEGER,                      -- the last data change the numbers include
    as_of        TEXT,                         -- when the numbers were read
    content      TEXT,                         -- the report's content as JSON
    requested_by INTEGER REFERENCES person(id),
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);
CREATE INDEX report_job_status ON report_job(status);

-- Files of a finished report, stored under DATA_DIR/reports/.
CREATE TABLE report_file (
    job_id  INTEGER NOT NULL REFERENCES report_job(id),
    format  TEXT NOT NULL,                     -- html, docx, xlsx
    name    TEXT NOT NULL,                     -- the download's file name
    size    INTEGER NOT NULL,
    sha256  TEXT NOT NULL,
    PRIMARY KEY (job_id, format)
);

-- What falls due for a unit in the next days and what is overdue, as the
-- daily job found it; shown as notifications and, where a mail server is
-- configured, sent by email.
CREATE TABLE reminder (
    id         INTEGER PRIMARY KEY,
    day        TEXT NOT NULL,                  -- YYYY-MM-DD the job ran for
    unit_id    INTEGER NOT NULL REFERENCES unit(id),
    task_id    INTEGER NOT NULL REFERENCES task(id),
    kind       TEXT NOT NULL,                  -- due_soon, overdue
    deadline   TEXT,
    title      TEXT NOT NULL,
    emailed_at TEXT,
    UNIQUE (day, unit_id, task_id)
);
CREATE INDEX reminder_unit ON reminder(unit_id, day);
