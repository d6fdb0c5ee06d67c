-- 0005: tasks (nhiệm vụ) assigned to a lead unit with supporting units,
-- and the progress and completion reports units make on them. A task's
-- status is derived from these, never stored.
CREATE TABLE task (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    document_id  INTEGER REFERENCES document(id),
    objective_id INTEGER REFERENCES objective(id),
    lead_unit_id INTEGER NOT NULL REFERENCES unit(id),
    product      TEXT,                        -- sản phẩm: what the task delivers
    deadline     TEXT,                        -- YYYY-MM-DD; NULL: no deadline
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX task_lead ON task(lead_unit_id);
CREATE INDEX task_document ON task(document_id);

CREATE TABLE task_unit (
    task_id INTEGER NOT NULL REFERENCES task(id),
    unit_id INTEGER NOT NULL REFERENCES unit(id),
    PRIMARY KEY (task_id, unit_id)
);

-- kind progress: status 'recorded'; kind completion: submitted, approved
-- or returned (a completion request the steering office reviews).
CREATE TABLE task_report (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES task(id),
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    person_id   INTEGER REFERENCES person(id),
    at          TEXT NOT NULL,
    progress    INTEGER NOT NULL,
    text        TEXT,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT,
    reviewed_at TEXT,
    reviewed_by INTEGER REFERENCES person(id)
);
CREATE INDEX task_report_task ON task_report(task_id, id);
