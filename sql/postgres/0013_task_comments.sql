-- 0013: task pages: comments on a task and deadline extension requests
-- (đề nghị gia hạn). An approved extension moves task.deadline; its row
-- keeps the deadline it replaced, so the original one is never lost.
CREATE TABLE task_comment (
    id        BIGSERIAL PRIMARY KEY,
    task_id   BIGINT NOT NULL REFERENCES task(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    unit_id   BIGINT REFERENCES unit(id),     -- the task unit the person speaks for; NULL: the steering office
    at        TEXT NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX task_comment_task ON task_comment(task_id, id);

CREATE TABLE task_extension (
    id                BIGSERIAL PRIMARY KEY,
    task_id           BIGINT NOT NULL REFERENCES task(id),
    unit_id           BIGINT NOT NULL REFERENCES unit(id),
    person_id         BIGINT NOT NULL REFERENCES person(id),
    at                TEXT NOT NULL,
    proposed_deadline TEXT NOT NULL,            -- YYYY-MM-DD
    reason            TEXT NOT NULL,
    previous_deadline TEXT NOT NULL,            -- the deadline when it was asked for
    status            TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'refused')),
    decided_by        BIGINT REFERENCES person(id),
    decided_at        TEXT,
    decision_reason   TEXT
);
CREATE INDEX task_extension_task ON task_extension(task_id, id);
-- one request waits at a time
CREATE UNIQUE INDEX task_extension_pending ON task_extension(task_id) WHERE status = 'submitted';
