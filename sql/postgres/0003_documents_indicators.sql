-- 0003: the programme's documents and their objectives, indicators with
-- targets, and the values units report, with their review history.

-- "57-NQ/TW" implements nothing; "71/NQ-CP" implements it; a city plan
-- implements that: basis_id makes the chain.
CREATE TABLE document (
    id           BIGSERIAL PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,        -- số hiệu
    kind         TEXT NOT NULL,               -- resolution, plan, decision, ...
    title        TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    issued_on    TEXT,                        -- YYYY-MM-DD
    issuer       TEXT,
    basis_id     BIGINT REFERENCES document(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX document_basis ON document(basis_id);

-- Objectives (mục tiêu) and task groups of a document.
CREATE TABLE objective (
    id          BIGSERIAL PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES document(id),
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL,                -- objective or task_group
    title       TEXT NOT NULL,
    UNIQUE (document_id, code)
);

CREATE TABLE indicator (
    id             BIGSERIAL PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name_vi        TEXT NOT NULL,
    name_en        TEXT,
    name_folded    TEXT NOT NULL,
    measure        TEXT,                      -- đơn vị tính: %, tỷ đồng, người/vạn dân
    direction      TEXT NOT NULL,             -- up, down, exact
    aggregation    TEXT NOT NULL,             -- sum, mean, weighted_mean, min, max, none
    weight_code    TEXT,                      -- the indicator weighting a weighted mean
    formula        TEXT,                      -- derived indicators only
    objective_id   BIGINT REFERENCES objective(id),
    owner_unit_id  BIGINT REFERENCES unit(id),
    baseline_value DOUBLE PRECISION,
    baseline_year  INTEGER,
    public         INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE indicator_target (
    indicator_id BIGINT NOT NULL REFERENCES indicator(id),
    unit_id      BIGINT NOT NULL REFERENCES unit(id),
    period       TEXT NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicator_id, unit_id, period)
);
