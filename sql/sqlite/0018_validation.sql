-- 0018: validation rules per indicator, and the soft-rule flags a value
-- was saved with. A rule is one of
--   bounds   min_value and/or max_value; for one unit (unit_id) or all
--   jump     change against the same unit's previous period beyond
--            ±jump_percent %
--   compare  left_expr op right_expr in the formula language
--            ({DN-KHCN} <= {DN}), for the same unit and period
-- hard refuses the value; soft asks for a note and flags it. An indicator
-- whose rules were never set (rules_set = 0) follows the defaults of its
-- measure: 0–100 for a percentage, at least 0 for any other measure but
-- a rate per year (none without a measure), and a soft jump check at 50 %.
CREATE TABLE indicator_rule (
    id            INTEGER PRIMARY KEY,
    indicator_id  INTEGER NOT NULL REFERENCES indicator(id),
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL,              -- bounds, jump, compare
    hard          INTEGER NOT NULL,
    unit_id       INTEGER REFERENCES unit(id),
    min_value     REAL,
    max_value     REAL,
    jump_percent  REAL,
    left_expr     TEXT,
    op            TEXT,                       -- <, <=, =, >=, >, !=
    right_expr    TEXT,
    name_vi       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    UNIQUE (indicator_id, position)
);
CREATE INDEX indicator_rule_kind ON indicator_rule(kind);

ALTER TABLE indicator ADD COLUMN rules_set INTEGER NOT NULL DEFAULT 0;

-- [{rule, kind, name_vi, name_en, template, params, message}] as JSON, or
-- NULL: the soft rules the value broke when it was last saved or submitted.
ALTER TABLE indicator_value ADD COLUMN flags TEXT;
