-- 0014: every person's inbox. The items themselves (values and reports
-- returned or approved, comments, extension decisions, reminders, waiting
-- approvals) are derived from their own tables when the inbox is read;
-- only what a person did with them is stored: which items were read, and
-- which were mailed (claimed before the message is sent, given back if
-- the relay fails). item_key names an item for good, e.g.
-- "value-returned:12:345" (value 12, history row 345).
CREATE TABLE inbox_read (
    person_id BIGINT NOT NULL REFERENCES person(id),
    item_key  TEXT NOT NULL,
    read_at   TEXT NOT NULL,
    PRIMARY KEY (person_id, item_key)
);

CREATE TABLE inbox_mail (
    person_id BIGINT NOT NULL REFERENCES person(id),
    item_key  TEXT NOT NULL,
    sent_at   TEXT NOT NULL,
    PRIMARY KEY (person_id, item_key)
);

-- The inbox reads the recent reviews, comments and decisions by time.
CREATE INDEX indicator_value_history_review ON indicator_value_history(action, at);
CREATE INDEX task_report_review ON task_report(status, reviewed_at);
CREATE INDEX task_comment_at ON task_comment(at);
CREATE INDEX task_extension_decided ON task_extension(status, decided_at);
