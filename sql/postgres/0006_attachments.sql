-- 0006: evidence files (minh chứng). A file is stored once under the data
-- directory by its SHA-256 and linked to the records it supports.
CREATE TABLE attachment (
    id          BIGSERIAL PRIMARY KEY,
    sha256      TEXT NOT NULL,
    name        TEXT NOT NULL,               -- the name it was uploaded with
    type        TEXT NOT NULL,               -- detected from the content
    size        BIGINT NOT NULL,
    entity      TEXT NOT NULL,               -- indicator_value or task_report
    entity_id   BIGINT NOT NULL,
    uploaded_by BIGINT REFERENCES person(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX attachment_entity ON attachment(entity, entity_id);
