-- 0023: research outputs of the S&T map. Publications (works) with their
-- authors and the institutions they are affiliated with, matched to the
-- organisations of the registry; patents and utility solutions, research
-- projects, technology-transfer contracts and spin-offs. Each links to
-- organisations (and through them to communes) and, where stated, to a
-- task of the programme. Records invented for the demo carry demo = 1.

-- ------------------------------------------------------------------ works
-- One publication. Identifiers are kept short: openalex_id 'W2755950973',
-- doi '10.1016/j.joi.2017.08.007' (lower case). field/subfield/domain are
-- OpenAlex's topic classification (ids as in OpenAlex: field '17'); works
-- in the 2022 schema have no topics, and their field is the level-0 concept
-- ('C71924100'). is_top10/is_top1/percentile are citation_normalized_percentile
-- as OpenAlex gives it (NULL when not given).
CREATE TABLE work (
    id                     INTEGER PRIMARY KEY,
    openalex_id            TEXT,
    doi                    TEXT,
    title                  TEXT NOT NULL,
    title_folded           TEXT NOT NULL,
    year                   INTEGER,
    type                   TEXT,
    language               TEXT,
    venue                  TEXT,
    field_id               TEXT,
    field                  TEXT,
    subfield_id            TEXT,
    subfield               TEXT,
    domain_id              TEXT,
    domain                 TEXT,
    is_oa                  INTEGER,
    oa_status              TEXT,
    cited_by_count         INTEGER NOT NULL DEFAULT 0,
    fwci                   REAL,
    percentile             REAL,
    is_top10               INTEGER,
    is_top1                INTEGER,
    referenced_works_count INTEGER NOT NULL DEFAULT 0,
    n_authors              INTEGER NOT NULL DEFAULT 0,
    source                 TEXT NOT NULL DEFAULT 'openalex' CHECK (source IN ('openalex', 'sheet')),
    task_id                INTEGER REFERENCES task(id),
    demo                   INTEGER NOT NULL DEFAULT 0,
    updated_at             TEXT NOT NULL
);
CREATE UNIQUE INDEX work_openalex ON work(openalex_id) WHERE openalex_id IS NOT NULL;
CREATE INDEX work_year ON work(year, field_id);
CREATE INDEX work_doi ON work(doi);

-- The authors of a work in their order (position from 0).
CREATE TABLE work_author (
    work_id          INTEGER NOT NULL REFERENCES work(id),
    position         INTEGER NOT NULL,
    name             TEXT,
    orcid            TEXT,
    author_id        TEXT,            -- OpenAlex 'A5069892096'
    countries        TEXT NOT NULL DEFAULT '',   -- as given, comma separated
    is_corresponding INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (work_id, position)
);

-- One institution of one author of a work, and the registry organisation
-- it was matched to: by OpenAlex id, ROR, a link a registry writer made
-- ('manual'), or the folded name; organisation_id NULL while unmatched.
CREATE TABLE work_affiliation (
    id              INTEGER PRIMARY KEY,
    work_id         INTEGER NOT NULL REFERENCES work(id),
    position        INTEGER NOT NULL,
    institution_id  TEXT,             -- OpenAlex 'I94518387'
    ror             TEXT,             -- '05290cv24'
    name            TEXT NOT NULL,
    name_folded     TEXT NOT NULL,
    country_code    TEXT,
    type            TEXT,             -- education, company, government, ...
    organisation_id INTEGER REFERENCES organisation(id),
    match           TEXT CHECK (match IN ('openalex', 'ror', 'name', 'manual'))
);
CREATE INDEX work_affiliation_work ON work_affiliation(work_id, position);
CREATE INDEX work_affiliation_org ON work_affiliation(organisation_id, work_id);
CREATE INDEX work_affiliation_institution ON work_affiliation(institution_id);
CREATE INDEX work_affiliation_ror ON work_affiliation(ror);
CREATE INDEX work_affiliation_name ON work_affiliation(name_folded);

-- The works a work cites (OpenAlex ids).
CREATE TABLE work_reference (
    work_id    INTEGER NOT NULL REFERENCES work(id),
    referenced TEXT NOT NULL,
    PRIMARY KEY (work_id, referenced)
);

-- An institution a registry writer linked to an organisation, remembered
-- for the next imports. key: 'openalex:I123', 'ror:05290cv24' or
-- 'name:<folded name>'.
CREATE TABLE institution_link (
    key             TEXT PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    name            TEXT NOT NULL,
    linked_by       INTEGER REFERENCES person(id),
    linked_at       TEXT NOT NULL
);
CREATE INDEX institution_link_org ON institution_link(organisation_id);

-- ---------------------------------------------------------------- patents
-- Patents (bằng độc quyền sáng chế) and utility solutions (giải pháp hữu ích).
CREATE TABLE patent (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('patent', 'utility_solution')),
    number          TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    title_folded    TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisation(id),   -- the owner
    owner_name      TEXT NOT NULL,
    inventors       TEXT NOT NULL DEFAULT '',               -- names, '; ' separated
    ipc             TEXT,
    filed_on        TEXT,
    granted_on      TEXT,
    task_id         INTEGER REFERENCES task(id),
    demo            INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL
);
CREATE INDEX patent_org ON patent(organisation_id, granted_on);

-- --------------------------------------------------------------- projects
-- Research projects with their funder and budget (VND); a project the city
-- commissioned links to the problem of an agreement or to a task.
CREATE TABLE project (
    id                   INTEGER PRIMARY KEY,
    code                 TEXT NOT NULL UNIQUE,
    title                TEXT NOT NULL,
    title_folded         TEXT NOT NULL,
    funder               TEXT,
    budget               REAL,
    started_on           TEXT,
    ends_on              TEXT,
    organisation_id      INTEGER REFERENCES organisation(id),   -- the lead
    agreement_problem_id INTEGER REFERENCES agreement_problem(id),
    task_id              INTEGER REFERENCES task(id),
    demo                 INTEGER NOT NULL DEFAULT 0,
    updated_at           TEXT NOT NULL
);
CREATE INDEX project_org ON project(organisation_id);

-- The organisations taking part in a project besides its lead.
CREATE TABLE project_partner (
    project_id      INTEGER NOT NULL REFERENCES project(id),
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    PRIMARY KEY (project_id, organisation_id)
);
CREATE INDEX project_partner_org ON project_partner(organisation_id);

-- -------------------------------------------------------------- contracts
-- Technology-transfer contracts between a seller and a buyer; value in VND
-- (shown to signed-in people only).
CREATE TABLE contract (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('transfer', 'licence', 'service', 'joint_development', 'other')),
    title             TEXT NOT NULL,
    title_folded      TEXT NOT NULL,
    seller_id         INTEGER REFERENCES organisation(id),
    seller_name       TEXT NOT NULL,
    buyer_id          INTEGER REFERENCES organisation(id),
    buyer_name        TEXT NOT NULL,
    value             REAL,
    signed_on         TEXT,
    task_id           INTEGER REFERENCES task(id),
    demo              INTEGER NOT NULL DEFAULT 0,
    updated_at        TEXT NOT NULL
);
CREATE INDEX contract_seller ON contract(seller_id, signed_on);
CREATE INDEX contract_buyer ON contract(buyer_id, signed_on);

-- --------------------------------------------------------------- spin-offs
-- A company founded from an organisation's research; organisation_id when
-- the company is itself in the registry.
CREATE TABLE spinoff (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    name_folded     TEXT NOT NULL UNIQUE,
    parent_id       INTEGER NOT NULL REFERENCES organisation(id),
    organisation_id INTEGER REFERENCES organisation(id),
    founded_on      TEXT,
    field           TEXT,
    task_id         INTEGER REFERENCES task(id),
    demo            INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL
);
CREATE INDEX spinoff_parent ON spinoff(parent_id, founded_on);

-- Moved by every change of the outputs (imports, links, templates), so
-- that modules computing from them know when what they kept is stale.
CREATE TABLE output_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO output_generation (id, n) VALUES (1, 0);
