-- 0010: composite indices. A definition is kept in every version it had
-- (the JSON of domain/index_spec.h); a run keeps the table it was computed
-- on and its results, so that it can be reproduced and compared.
CREATE TABLE index_definition (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    definition  TEXT NOT NULL,                 -- JSON
    created_by  BIGINT REFERENCES person(id),
    created_at  TEXT NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE index_run (
    id            BIGSERIAL PRIMARY KEY,
    definition_id BIGINT NOT NULL REFERENCES index_definition(id),
    source        TEXT NOT NULL,               -- programme (approved values) or table (uploaded)
    period        TEXT,                        -- programme runs
    unit_id       BIGINT REFERENCES unit(id), -- programme runs: the units under it
    unit_kind     TEXT,                        -- programme runs: only units of this kind
    input         TEXT NOT NULL,               -- the table computed on, as CSV
    data_seq      BIGINT,                     -- programme runs: the data state used
    status        TEXT NOT NULL,               -- done, failed (queued, running for Monte Carlo)
    progress      INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    results       TEXT,                        -- JSON
    created_by    BIGINT REFERENCES person(id),
    created_at    TEXT NOT NULL,
    finished_at   TEXT
);
CREATE INDEX index_run_definition ON index_run(definition_id);
