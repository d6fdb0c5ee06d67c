-- 0019: index runs are queued by a request and computed by the server's
-- background worker (queued -> running -> done | failed | cancelled). A
-- programme run keeps the previous period's table beside its own so that
-- the worker can add each unit's rank change without the live roll-ups.
-- A failed run keeps its error as {template, params} beside the English
-- text, so that a page says it in the reader's language.
ALTER TABLE index_run ADD COLUMN previous_input TEXT;
ALTER TABLE index_run ADD COLUMN error_detail TEXT;
CREATE INDEX index_run_status ON index_run(status, created_by);
