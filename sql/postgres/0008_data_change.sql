-- 0008: a log of every change that can move a roll-up: an approved value
-- set or withdrawn, a unit added, moved or changed, an indicator or its
-- targets changed. The server keeps approved values in memory and, on
-- each request, applies the entries after the last one it has seen, so a
-- roll-up is always computed from what the database holds at that moment.
-- Triggers write the log, so no write path can forget it. A bulk write
-- of approved values (an import) pauses the per-value entries inside its
-- own transaction, with a row in data_change_pause that no one else ever
-- sees, and logs one 'values' entry per indicator it touched instead.
-- Writers of the
-- log take one transaction lock, so entries commit in the order of their
-- numbers and a reader never skips one that commits late.
CREATE TABLE data_change (
    seq          BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,      -- value, values, unit, indicator, target
    indicator_id BIGINT,
    unit_id      BIGINT,
    period       TEXT,
    value        DOUBLE PRECISION,   -- the approved value (kind value)
    approved     INTEGER             -- 1: set to value; 0: no longer approved
);
CREATE TABLE data_change_pause (
    since TEXT
);

CREATE FUNCTION data_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'indicator_value' AND EXISTS (SELECT 1 FROM data_change_pause) THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(570058);
    IF TG_TABLE_NAME = 'indicator_value' THEN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'approved' THEN
            INSERT INTO data_change (kind, indicator_id, unit_id, period, value, approved)
            VALUES ('value', OLD.indicator_id, OLD.unit_id, OLD.period, NULL, 0);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'approved' THEN
            INSERT INTO data_change (kind, indicator_id, unit_id, period, value, approved)
            VALUES ('value', NEW.indicator_id, NEW.unit_id, NEW.period, NEW.value, 1);
        END IF;
    ELSIF TG_TABLE_NAME = 'unit' THEN
        INSERT INTO data_change (kind, unit_id) VALUES ('unit', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    ELSIF TG_TABLE_NAME = 'indicator' THEN
        INSERT INTO data_change (kind, indicator_id) VALUES ('indicator', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    ELSE
        INSERT INTO data_change (kind, indicator_id)
        VALUES ('target', CASE WHEN TG_OP = 'DELETE' THEN OLD.indicator_id ELSE NEW.indicator_id END);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER data_change_value_insert AFTER INSERT ON indicator_value
    FOR EACH ROW WHEN (NEW.status = 'approved') EXECUTE FUNCTION data_change_log();
CREATE TRIGGER data_change_value_update AFTER UPDATE ON indicator_value
    FOR EACH ROW WHEN (OLD.status = 'approved' OR NEW.status = 'approved') EXECUTE FUNCTION data_change_log();
CREATE TRIGGER data_change_value_delete AFTER DELETE ON indicator_value
    FOR EACH ROW WHEN (OLD.status = 'approved') EXECUTE FUNCTION data_change_log();
CREATE TRIGGER data_change_unit AFTER INSERT OR UPDATE OR DELETE ON unit
    FOR EACH ROW EXECUTE FUNCTION data_change_log();
CREATE TRIGGER data_change_indicator AFTER INSERT OR UPDATE OR DELETE ON indicator
    FOR EACH ROW EXECUTE FUNCTION data_change_log();
CREATE TRIGGER data_change_target AFTER INSERT OR UPDATE OR DELETE ON indicator_target
    FOR EACH ROW EXECUTE FUNCTION data_change_log();
