-- 0011: uncertainty and sensitivity analyses of an index run, made as
-- background jobs. A job belongs to one run, whose definition version and
-- stored input table it re-evaluates; the spec (seed, runs, weight
-- spread, the alternatives of each method, sensitivity) is kept as JSON
-- so the same job can be reproduced; the result is written once, with
-- status done, or not at all.
CREATE TABLE index_uncertainty (
    id          BIGSERIAL PRIMARY KEY,
    run_id      BIGINT NOT NULL REFERENCES index_run(id),
    spec        TEXT NOT NULL,                 -- JSON, defaults filled in
    status      TEXT NOT NULL,                 -- queued, running, done, failed
    progress    INTEGER NOT NULL DEFAULT 0,    -- percent
    error       TEXT,
    result      TEXT,                          -- JSON, when done
    created_by  BIGINT REFERENCES person(id),
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX index_uncertainty_run ON index_uncertainty(run_id);
CREATE INDEX index_uncertainty_status ON index_uncertainty(status);
