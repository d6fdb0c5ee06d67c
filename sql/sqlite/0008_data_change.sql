-- 0008: a log of every change that can move a roll-up: an approved value
-- set or withdrawn, a unit added, moved or changed, an indicator or its
-- targets changed. The server keeps approved values in memory and, on
-- each request, applies the entries after the last one it has seen, so a
-- roll-up is always computed from what the database holds at that moment.
-- Triggers write the log, so no write path can forget it. A bulk write
-- of approved values (an import) pauses the per-value entries inside its
-- own transaction, with a row in data_change_pause that no one else ever
-- sees, and logs one 'values' entry per indicator it touched instead.
CREATE TABLE data_change (
    seq          INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,      -- value, values, unit, indicator, target
    indicator_id INTEGER,
    unit_id      INTEGER,
    period       TEXT,
    value        REAL,               -- the approved value (kind value)
    approved     INTEGER             -- 1: set to value; 0: no longer approved
);
CREATE TABLE data_change_pause (
    since TEXT
);

CREATE TRIGGER data_change_value_insert AFTER INSERT ON indicator_value
WHEN NEW.status = 'approved' AND NOT EXISTS (SELECT 1 FROM data_change_pause)
BEGIN
    INSERT INTO data_change (kind, indicator_id, unit_id, period, value, approved)
    VALUES ('value', NEW.indicator_id, NEW.unit_id, NEW.period, NEW.value, 1);
END;

CREATE TRIGGER data_change_value_update AFTER UPDATE ON indicator_value
WHEN (OLD.status = 'approved' OR NEW.status = 'approved') AND NOT EXISTS (SELECT 1 FROM data_change_pause)
BEGIN
    INSERT INTO data_change (kind, indicator_id, unit_id, period, value, approved)
    SELECT 'value', OLD.indicator_id, OLD.unit_id, OLD.period, NULL, 0 WHERE OLD.status = 'approved';
    INSERT INTO data_change (kind, indicator_id, unit_id, period, value, approved)
    SELECT 'value', NEW.indicator_id, NEW.unit_id, NEW.period, NEW.value, 1 WHERE NEW.status = 'approved';
END;

CREATE TRIGGER data_change_value_delete AFTER DELETE ON indicator_value
WHEN OLD.status = 'approved' AND NOT EXISTS (SELECT 1 FROM data_change_pause)
BEGIN
    INSERT INTO data_change (kind, indicator_id, unit_id, period, value, approved)
    VALUES ('value', OLD.indicator_id, OLD.unit_id, OLD.period, NULL, 0);
END;

CREATE TRIGGER data_change_unit_insert AFTER INSERT ON unit
BEGIN INSERT INTO data_change (kind, unit_id) VALUES ('unit', NEW.id); END;
CREATE TRIGGER data_change_unit_update AFTER UPDATE ON unit
BEGIN INSERT INTO data_change (kind, unit_id) VALUES ('unit', NEW.id); END;
CREATE TRIGGER data_change_unit_delete AFTER DELETE ON unit
BEGIN INSERT INTO data_change (kind, unit_id) VALUES ('unit', OLD.id); END;

CREATE TRIGGER data_change_indicator_insert AFTER INSERT ON indicator
BEGIN INSERT INTO data_change (kind, indicator_id) VALUES ('indicator', NEW.id); END;
CREATE TRIGGER data_change_indicator_update AFTER UPDATE ON indicator
BEGIN INSERT INTO data_change (kind, indicator_id) VALUES ('indicator', NEW.id); END;
CREATE TRIGGER data_change_indicator_delete AFTER DELETE ON indicator
BEGIN INSERT INTO data_change (kind, indicator_id) VALUES ('indicator', OLD.id); END;

CREATE TRIGGER data_change_target_insert AFTER INSERT ON indicator_target
BEGIN INSERT INTO data_change (kind, indicator_id) VALUES ('target', NEW.indicator_id); END;
CREATE TRIGGER data_change_target_update AFTER UPDATE ON indicator_target
BEGIN INSERT INTO data_change (kind, indicator_id) VALUES ('target', NEW.indicator_id); END;
CREATE TRIGGER data_change_target_delete AFTER DELETE ON indicator_target
BEGIN INSERT INTO data_change (kind, indicator_id) VALUES ('target', OLD.indicator_id); END;
