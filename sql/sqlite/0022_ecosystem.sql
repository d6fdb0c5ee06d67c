-- 0022: the innovation ecosystem registry. Organisations (with their
-- official identifiers, commune, sectors and contacts), the people who edit
-- an organisation's profile, networks of innovation centres with their
-- members and shared resources, requests and bookings of those resources,
-- agreements with their committed actions (tasks of the programme) and the
-- problems partners bring, funds and alliances, investments, support
-- programmes and commercialisation projects. Records invented for the demo
-- carry demo = 1.

-- The strategic technology sectors (configurable; the eight of the
-- programme are loaded by the demo and by `nq57 programme load`).
CREATE TABLE sector (
    code      TEXT PRIMARY KEY,
    name_vi   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    strategic INTEGER NOT NULL DEFAULT 0,
    position  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sector (code, name_vi, name_en, strategic, position) VALUES
    ('ai', 'Trí tuệ nhân tạo', 'Artificial intelligence', 1, 1),
    ('big_data', 'Dữ liệu lớn', 'Big data', 1, 2),
    ('iot', 'Internet vạn vật', 'Internet of things', 1, 3),
    ('blockchain', 'Chuỗi khối', 'Blockchain', 1, 4),
    ('biotech', 'Công nghệ sinh học, y sinh', 'Biotechnology and biomedicine', 1, 5),
    ('materials_energy', 'Vật liệu mới, năng lượng sạch', 'New materials and clean energy', 1, 6),
    ('automation', 'Tự động hóa, robot', 'Automation and robotics', 1, 7),
    ('cybersecurity', 'An ninh mạng', 'Cybersecurity', 1, 8);

-- ----------------------------------------------------------- organisations
CREATE TABLE organisation (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('university', 'institute', 'enterprise', 'st_enterprise',
                      'startup', 'innovation_centre', 'fund', 'agency', 'foreign_partner')),
    name          TEXT NOT NULL,
    name_folded   TEXT NOT NULL,
    short_name    TEXT,
    tax_code      TEXT,                   -- mã số thuế: 10 digits, or 10 + '-' + 3 for a branch
    ror           TEXT,                   -- 0 + 6 characters + 2 check digits
    openalex_id   TEXT,                   -- I followed by digits
    unit_id       INTEGER REFERENCES unit(id),   -- the commune (or province) it is in
    address       TEXT,
    lat           REAL,
    lon           REAL,
    sectors       TEXT NOT NULL DEFAULT '',      -- sector codes, comma separated, in order
    size          TEXT CHECK (size IN ('micro', 'small', 'medium', 'large')),
    employees     INTEGER,
    founded_on    TEXT,                   -- YYYY-MM-DD
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'dissolved', 'merged')),
    ended_on      TEXT,                   -- dissolved or merged on
    merged_into   INTEGER REFERENCES organisation(id),
    website       TEXT,
    email         TEXT,
    phone         TEXT,
    description   TEXT,
    logo_id       INTEGER REFERENCES attachment(id),
    published     INTEGER NOT NULL DEFAULT 1,    -- its public profile is shown
    demo          INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX organisation_tax_code ON organisation(tax_code) WHERE tax_code IS NOT NULL AND status <> 'merged';
CREATE UNIQUE INDEX organisation_ror ON organisation(ror) WHERE ror IS NOT NULL AND status <> 'merged';
CREATE UNIQUE INDEX organisation_openalex ON organisation(openalex_id) WHERE openalex_id IS NOT NULL AND status <> 'merged';
CREATE INDEX organisation_name ON organisation(name_folded);
CREATE INDEX organisation_unit ON organisation(unit_id, kind);
CREATE INDEX organisation_kind ON organisation(kind, founded_on);

-- Other names an organisation is known by (abbreviations, former names,
-- English names); searched like the name.
CREATE TABLE organisation_alias (
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    alias           TEXT NOT NULL,
    alias_folded    TEXT NOT NULL,
    PRIMARY KEY (organisation_id, alias)
);
CREATE INDEX organisation_alias_folded ON organisation_alias(alias_folded);

-- Moved by every change of an organisation, so that each server's
-- in-memory search index (organisation_index.c) knows when to read the
-- organisations again.
CREATE TABLE organisation_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO organisation_generation (id, n) VALUES (1, 0);

-- People of an organisation with their role there (director, contact,
-- researcher...); person_id when they also sign in to nq57.
CREATE TABLE organisation_person (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    email           TEXT,
    phone           TEXT,
    person_id       INTEGER REFERENCES person(id)
);
CREATE INDEX organisation_person_org ON organisation_person(organisation_id);

-- The organisation editor role: a person edits the profile of these
-- organisations only; the changes wait for review by the steering office.
CREATE TABLE organisation_editor (
    person_id       INTEGER NOT NULL REFERENCES person(id),
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (person_id, organisation_id)
);
CREATE INDEX organisation_editor_org ON organisation_editor(organisation_id);

-- A profile change proposed by an organisation editor, published when the
-- steering office approves it.
CREATE TABLE organisation_change (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    proposed_by     INTEGER NOT NULL REFERENCES person(id),
    proposed_at     TEXT NOT NULL,
    fields          TEXT NOT NULL,       -- JSON object of the proposed fields
    status          TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'refused')),
    decided_by      INTEGER REFERENCES person(id),
    decided_at      TEXT,
    reason          TEXT
);
CREATE INDEX organisation_change_org ON organisation_change(organisation_id, id);
CREATE UNIQUE INDEX organisation_change_pending ON organisation_change(organisation_id) WHERE status = 'submitted';

-- A merge of a duplicate into the organisation kept: what moved where.
CREATE TABLE organisation_merge (
    id          INTEGER PRIMARY KEY,
    kept_id     INTEGER NOT NULL REFERENCES organisation(id),
    merged_id   INTEGER NOT NULL REFERENCES organisation(id),
    merged_by   INTEGER REFERENCES person(id),
    merged_at   TEXT NOT NULL,
    before      TEXT NOT NULL            -- JSON of the merged record as it was
);

-- --------------------------------------------------- networks and resources
CREATE TABLE network (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    name_folded    TEXT NOT NULL,
    description    TEXT,
    coordinator_id INTEGER REFERENCES organisation(id),
    launched_on    TEXT,
    public         INTEGER NOT NULL DEFAULT 1,
    demo           INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE network_member (
    network_id      INTEGER NOT NULL REFERENCES network(id),
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    role            TEXT NOT NULL DEFAULT 'member',   -- member, coordinator, partner...
    joined_on       TEXT,
    left_on         TEXT,
    PRIMARY KEY (network_id, organisation_id)
);
CREATE INDEX network_member_org ON network_member(organisation_id);

-- A shared resource offered by an organisation (a network member):
-- booked by the hour ('slot': rooms, labs, equipment) or for a period
-- ('period': hosting, services).
CREATE TABLE resource (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    network_id      INTEGER REFERENCES network(id),
    kind            TEXT NOT NULL CHECK (kind IN ('space', 'lab', 'equipment', 'hosting', 'service')),
    name            TEXT NOT NULL,
    name_folded     TEXT NOT NULL,
    description     TEXT,
    booking         TEXT NOT NULL CHECK (booking IN ('slot', 'period')),
    capacity        INTEGER,             -- seats, places or firms at a time
    capacity_unit   TEXT,
    conditions      TEXT,
    price_model     TEXT NOT NULL CHECK (price_model IN ('free', 'subsidised', 'paid')),
    price           TEXT,                -- in words ("200.000 đ/giờ")
    opens           TEXT NOT NULL DEFAULT '08:00',   -- bookable hours of a day (slot resources)
    closes          TEXT NOT NULL DEFAULT '17:00',
    active          INTEGER NOT NULL DEFAULT 1,
    demo            INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX resource_org ON resource(organisation_id);
CREATE INDEX resource_network ON resource(network_id, kind);

-- A request for a resource: hours of a day (slot) or days (period).
-- requested → approved | refused; approved → used | cancelled.
CREATE TABLE booking (
    id              INTEGER PRIMARY KEY,
    resource_id     INTEGER NOT NULL REFERENCES resource(id),
    organisation_id INTEGER REFERENCES organisation(id),   -- the firm served, when registered
    requester_name  TEXT NOT NULL,       -- the firm's name as typed on the request
    requester_key   TEXT NOT NULL,       -- who is served, for counting firms: 'o<id>' or the folded name
    contact_name    TEXT NOT NULL,
    contact_email   TEXT,
    contact_phone   TEXT,
    sector          TEXT,                -- the firm's sector (for the usage report)
    purpose         TEXT,
    starts_at       TEXT NOT NULL,       -- YYYY-MM-DDTHH:MM, Viet Nam time (slot) or YYYY-MM-DD (period)
    ends_at         TEXT NOT NULL,       -- exclusive
    status          TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'refused', 'cancelled', 'used')),
    reason          TEXT,                -- why refused or cancelled
    used_hours      REAL,                -- recorded use
    requested_by    INTEGER REFERENCES person(id),   -- NULL: the public form
    requested_at    TEXT NOT NULL,
    decided_by      INTEGER REFERENCES person(id),
    decided_at      TEXT,
    demo            INTEGER NOT NULL DEFAULT 0
);
-- The calendar and the monthly usage report read a resource's bookings
-- of a time range; the report's figures come from the index alone.
CREATE INDEX booking_resource ON booking(resource_id, starts_at, status, used_hours, sector, requester_key);
CREATE INDEX booking_status ON booking(status, starts_at);

-- The hours a request or an approved booking holds: one row per resource
-- and hour, so two requests for the same hour cannot both hold it.
CREATE TABLE booking_slot (
    resource_id INTEGER NOT NULL REFERENCES resource(id),
    slot        TEXT NOT NULL,           -- YYYY-MM-DDTHH (slot) or YYYY-MM-DD (period, per place)
    place       INTEGER NOT NULL DEFAULT 0,   -- 0 .. capacity-1 for period resources
    booking_id  INTEGER NOT NULL REFERENCES booking(id),
    PRIMARY KEY (resource_id, slot, place)
);
CREATE INDEX booking_slot_booking ON booking_slot(booking_id);

-- ------------------------------------------------------------- agreements
CREATE TABLE agreement (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('mou', 'cooperation', 'contract', 'other')),
    title        TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    signed_on    TEXT,
    ends_on      TEXT,
    focus        TEXT NOT NULL DEFAULT '',    -- areas, comma separated (training, st_development, innovation, digital_transformation...)
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'expired', 'ended')),
    description  TEXT,
    file_id      INTEGER REFERENCES attachment(id),
    demo         INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE agreement_party (
    agreement_id    INTEGER NOT NULL REFERENCES agreement(id),
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    role            TEXT NOT NULL DEFAULT 'party',
    PRIMARY KEY (agreement_id, organisation_id)
);
CREATE INDEX agreement_party_org ON agreement_party(organisation_id);

-- A committed action of an agreement, tracked as a task of the programme.
CREATE TABLE agreement_action (
    agreement_id INTEGER NOT NULL REFERENCES agreement(id),
    task_id      INTEGER NOT NULL REFERENCES task(id),
    PRIMARY KEY (agreement_id, task_id)
);
CREATE INDEX agreement_action_task ON agreement_action(task_id);

-- A problem a partner brings (bài toán đặt hàng), to be commissioned later.
CREATE TABLE agreement_problem (
    id              INTEGER PRIMARY KEY,
    agreement_id    INTEGER NOT NULL REFERENCES agreement(id),
    organisation_id INTEGER REFERENCES organisation(id),   -- who brought it
    title           TEXT NOT NULL,
    description     TEXT,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'commissioned', 'solved', 'dropped')),
    created_at      TEXT NOT NULL
);
CREATE INDEX agreement_problem_agreement ON agreement_problem(agreement_id);

-- ------------------------------------------- funds, investments and support
-- A fund or an alliance of funds; amounts in VND.
CREATE TABLE fund (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('fund', 'alliance')),
    organisation_id INTEGER REFERENCES organisation(id),   -- the fund as an organisation
    launched_on     TEXT,
    committed_vnd   REAL,
    disbursed_vnd   REAL,
    description     TEXT,
    demo            INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE fund_member (
    fund_id         INTEGER NOT NULL REFERENCES fund(id),
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    committed_vnd   REAL,
    joined_on       TEXT,
    PRIMARY KEY (fund_id, organisation_id)
);

CREATE TABLE investment (
    id          INTEGER PRIMARY KEY,
    fund_id     INTEGER REFERENCES fund(id),
    investor_id INTEGER REFERENCES organisation(id),
    startup_id  INTEGER NOT NULL REFERENCES organisation(id),
    amount_vnd  REAL NOT NULL,
    invested_on TEXT NOT NULL,
    round       TEXT,                 -- pre_seed, seed, series_a, series_b, grant, other
    instrument  TEXT,                 -- equity, convertible, loan, grant
    note        TEXT,
    demo        INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE INDEX investment_startup ON investment(startup_id);
CREATE INDEX investment_date ON investment(invested_on);

CREATE TABLE support_programme (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    provider_id INTEGER REFERENCES organisation(id),
    network_id  INTEGER REFERENCES network(id),
    description TEXT,
    starts_on   TEXT,
    ends_on     TEXT,
    demo        INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE support_recipient (
    programme_id    INTEGER NOT NULL REFERENCES support_programme(id),
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    support         TEXT,             -- what is given (space, mentoring, hosting...)
    since           TEXT,
    PRIMARY KEY (programme_id, organisation_id)
);

CREATE TABLE commercialisation (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisation(id),   -- the owner of the technology
    partner_id      INTEGER REFERENCES organisation(id),   -- the firm taking it to market
    announced_on    TEXT,
    status          TEXT NOT NULL DEFAULT 'announced' CHECK (status IN ('announced', 'in_progress', 'on_market', 'stopped')),
    value_vnd       REAL,
    description     TEXT,
    demo            INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);

-- ------------------------------------------------- indicators from the registry
-- An indicator computed from the registry rather than typed in: JSON
-- {"entity": "organisation" | "investment" | "booking", "measure": "count"
-- | "sum", "field"?, "filter": {...}, "mode": "stock" | "flow"}.
ALTER TABLE indicator ADD COLUMN registry TEXT;
