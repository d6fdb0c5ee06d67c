-- 0012: a bulk import no longer copies every value it saves into the
-- history table. The value row already holds the state the import gave
-- it; history_pending = 1 says its history row is that state, not yet
-- written (action 'import', at updated_at, by updated_by). The first
-- update of the row writes it, from the old row, before the update's own
-- history row, so the history reads the same as if it had been written at
-- once; readers add the pending row at the end. Every UPDATE of
-- indicator_value sets history_pending: 1 for the import, which writes no
-- history row, 0 for the other writers, which do.
--
-- An INSERT no longer logs a data_change entry: values are inserted only
-- as drafts (value_save), or by an import, which pauses the per-value
-- entries and logs one per indicator (rollup_pause/rollup_resume). The
-- trigger made SQLite copy an import's rows into a temporary table first
-- and run the trigger program for each of them.
ALTER TABLE indicator_value ADD COLUMN history_pending INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER data_change_value_insert;

-- A value's second index, by unit and period, took a random insert for
-- each value a bulk import added (rows come by indicator): about a third
-- of the import's time. A unit's values are found through the indicators
-- instead (a hundred or so), each a search of (indicator_id, unit_id,
-- period); see value_list.
DROP INDEX indicator_value_unit;

CREATE TRIGGER indicator_value_history_pending AFTER UPDATE ON indicator_value
WHEN OLD.history_pending = 1
BEGIN
    INSERT INTO indicator_value_history (value_id, at, person_id, action, status, value, note, reason)
    VALUES (OLD.id, OLD.updated_at, OLD.updated_by, 'import', OLD.status, OLD.value, OLD.note, OLD.reason);
END;
