-- 0002: organisation units, people, roles, sessions, API tokens, sign-in
-- throttling and the hash-chained audit trail.

-- Units form a forest (a city with its departments and communes; a national
-- instance has 34 provinces). path is the materialised path of ids,
-- "/1/5/27/", so a subtree is one range scan: path >= '/1/5/' AND path < '/1/50'.
CREATE TABLE unit (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT UNIQUE,                -- official code where one exists
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,              -- vn_fold(name) for search
    kind        TEXT NOT NULL,
    parent_id   BIGINT REFERENCES unit(id),
    path        TEXT COLLATE "C" NOT NULL UNIQUE,
    depth       INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    public      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX unit_parent ON unit(parent_id);

-- Where a unit sat in the tree and since when: a move closes one row and
-- opens another, so earlier reports can still be placed where they were.
CREATE TABLE unit_parent_history (
    unit_id     BIGINT NOT NULL REFERENCES unit(id),
    parent_id   BIGINT REFERENCES unit(id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT
);
CREATE INDEX unit_parent_history_unit ON unit_parent_history(unit_id, valid_from);

CREATE TABLE person (
    id            BIGSERIAL PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    email         TEXT,
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- A role held over the subtree of one unit.
CREATE TABLE role_grant (
    id          BIGSERIAL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES person(id),
    role        TEXT NOT NULL,
    unit_id     BIGINT NOT NULL REFERENCES unit(id),
    created_at  TEXT NOT NULL,
    UNIQUE (person_id, role, unit_id)
);
CREATE INDEX role_grant_unit ON role_grant(unit_id);

-- Sessions and API tokens are stored as SHA-256 hashes of the secret.
CREATE TABLE session (
    token_hash  TEXT PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES person(id),
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT,
    address     TEXT
);
CREATE INDEX session_person ON session(person_id);

CREATE TABLE api_token (
    id          BIGSERIAL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES person(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    prefix      TEXT NOT NULL,              -- first characters, to recognise it
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    last_used_at TEXT,
    revoked_at  TEXT
);
CREATE INDEX api_token_person ON api_token(person_id);

-- Failed sign-ins in a row per account ("login:NAME") and per address
-- ("addr:IP"); a success clears both.
CREATE TABLE signin_failure (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    last_failed_at TEXT NOT NULL,
    blocked_until TEXT
);

-- Append-only; hash = SHA-256 over prev_hash and this entry's fields.
CREATE TABLE audit (
    seq         BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    person_id   BIGINT,
    actor       TEXT NOT NULL,              -- login, or "cli:<os user>" / "system"
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    before      TEXT,
    after       TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE INDEX audit_person ON audit(person_id);
CREATE INDEX audit_at ON audit(at);
