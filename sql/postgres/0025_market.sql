-- 0025: the technology market. Listings are technology offers, problems
-- to solve (bài toán đặt hàng) and experts; each is a draft of its owner
-- (the person who created it and the editors of its organisation) until
-- the market operator publishes it or returns it with a reason. Around a
-- listing: its files and images, views per day, engagements (interest in
-- an offer, a proposal on a problem, a question to an expert), structured
-- feedback on offers, recorded deals, and the saved searches of people.
-- Records invented for the demo carry demo = 1.

-- ---------------------------------------------------------------- listings
-- status: draft → submitted → published | returned; returned → submitted;
-- any but withdrawn → withdrawn. A published listing whose expires_on is
-- before today is expired (derived, never stored).
CREATE TABLE listing (
    id               BIGSERIAL PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('offer', 'problem', 'expert')),
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'published', 'returned', 'withdrawn')),
    title            TEXT NOT NULL,
    summary          TEXT,
    description      TEXT,
    sector           TEXT REFERENCES sector(code),
    organisation_id  BIGINT REFERENCES organisation(id),   -- the owner organisation (registry)
    created_by       BIGINT REFERENCES person(id),
    contact_name     TEXT,                -- never public
    contact_email    TEXT,
    contact_phone    TEXT,
    -- offers
    trl              INTEGER CHECK (trl BETWEEN 1 AND 9),
    ip_status        TEXT CHECK (ip_status IN ('none', 'pending', 'patent', 'utility_solution', 'industrial_design',
                         'copyright', 'plant_variety', 'trade_secret')),
    ip_numbers       TEXT,                -- số bằng / số đơn, as written
    transfer_types   TEXT NOT NULL DEFAULT '',   -- comma separated: full_assignment, partial_assignment,
                                          -- exclusive_licence, non_exclusive_licence, sublicence, licence_with_service
    price_model      TEXT CHECK (price_model IN ('negotiable', 'fixed', 'royalty', 'free')),
    price            TEXT,                -- in words ("500 triệu đồng")
    -- problems
    context          TEXT,
    expected_result  TEXT,
    budget_min       DOUBLE PRECISION,                -- VND
    budget_max       DOUBLE PRECISION,
    deadline         TEXT,                -- YYYY-MM-DD
    constraints_text TEXT,
    confidentiality  TEXT NOT NULL DEFAULT 'public' CHECK (confidentiality IN ('public', 'summary_only', 'private')),
    -- experts
    expert_name      TEXT,
    expert_person_id BIGINT REFERENCES person(id),   -- when the expert signs in to nq57
    expert_fields    TEXT,                -- fields of expertise, as written
    expert_record    TEXT,                -- projects and outputs, as written
    orcid            TEXT,                -- '0000-0002-1825-0097': finds the expert's works
    -- the review
    return_reason    TEXT,
    submitted_at     TEXT,
    reviewed_by      BIGINT REFERENCES person(id),
    reviewed_at      TEXT,                -- last publication or return
    published_at     TEXT,                -- first publication
    expires_on       TEXT,                -- YYYY-MM-DD, the last day it is shown
    generation       BIGINT NOT NULL DEFAULT 0,   -- listing_generation.n at its last change
    demo             INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX listing_status ON listing(status, kind, sector);
CREATE INDEX listing_org ON listing(organisation_id, status);
CREATE INDEX listing_creator ON listing(created_by);
CREATE INDEX listing_generation_at ON listing(generation);

-- Each publication or return of a listing by the operator, with the
-- reason of a return: the owners' inbox shows them (domain/market/notice.h).
CREATE TABLE listing_review (
    id          BIGSERIAL PRIMARY KEY,
    listing_id  BIGINT NOT NULL REFERENCES listing(id),
    decision    TEXT NOT NULL CHECK (decision IN ('published', 'returned')),
    reason      TEXT,
    reviewed_by BIGINT REFERENCES person(id),
    reviewed_at TEXT NOT NULL
);
CREATE INDEX listing_review_listing ON listing_review(listing_id, reviewed_at);

-- Moved by every change of a listing (each changed listing takes the new
-- value as its generation), so that a search index knows what to read
-- again: the listings with generation > the one it has seen.
CREATE TABLE listing_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO listing_generation (id, n) VALUES (1, 0);

-- Files and images of a listing (stored in attachment with entity 'listing').
CREATE TABLE listing_attachment (
    listing_id    BIGINT NOT NULL REFERENCES listing(id),
    attachment_id BIGINT NOT NULL REFERENCES attachment(id),
    role          TEXT NOT NULL DEFAULT 'file' CHECK (role IN ('file', 'image')),
    position      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (listing_id, attachment_id)
);

-- Views of a published listing's page, counted per day (Viet Nam time).
CREATE TABLE listing_view (
    listing_id BIGINT NOT NULL REFERENCES listing(id),
    day        TEXT NOT NULL,             -- YYYY-MM-DD
    n          INTEGER NOT NULL,
    PRIMARY KEY (listing_id, day)
);

-- ---------------------------------------------------------- engagement
-- Interest in an offer, a proposal on a problem or a firm's question to an
-- expert: a structured message. The sender's contact is shown to the
-- owners only when contact_shared (consent); otherwise they see the
-- organisation alone. sent → read → accepted | declined.
CREATE TABLE engagement (
    id              BIGSERIAL PRIMARY KEY,
    listing_id      BIGINT NOT NULL REFERENCES listing(id),
    kind            TEXT NOT NULL CHECK (kind IN ('interest', 'proposal', 'question')),
    person_id       BIGINT NOT NULL REFERENCES person(id),
    organisation_id BIGINT REFERENCES organisation(id),
    message         TEXT NOT NULL,        -- what is proposed or asked
    purpose         TEXT,                 -- why, for what use
    contact_shared  INTEGER NOT NULL DEFAULT 0,
    contact_name    TEXT,                 -- kept only when contact_shared
    contact_email   TEXT,
    contact_phone   TEXT,
    status          TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'read', 'accepted', 'declined')),
    answered_at     TEXT,
    demo            INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE INDEX engagement_listing ON engagement(listing_id, created_at);
CREATE INDEX engagement_person ON engagement(person_id);

-- Structured feedback of industry on an offer: reasons among too_early,
-- benefit_unclear, route_to_market_unclear, description_unclear, other
-- (comma separated) and a text.
CREATE TABLE feedback (
    id              BIGSERIAL PRIMARY KEY,
    listing_id      BIGINT NOT NULL REFERENCES listing(id),
    person_id       BIGINT NOT NULL REFERENCES person(id),
    organisation_id BIGINT REFERENCES organisation(id),
    reasons         TEXT NOT NULL,
    text            TEXT,
    demo            INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE INDEX feedback_listing ON feedback(listing_id);

-- A deal closed on a listing (transfer contract, licence, commissioned
-- solution), recorded by an owner or the operator; value in VND.
CREATE TABLE deal (
    id              BIGSERIAL PRIMARY KEY,
    listing_id      BIGINT NOT NULL REFERENCES listing(id),
    engagement_id   BIGINT REFERENCES engagement(id),
    partner_id      BIGINT REFERENCES organisation(id),   -- the other party, when registered
    partner_name    TEXT NOT NULL,
    transfer_type   TEXT,
    value_vnd       DOUBLE PRECISION,
    signed_on       TEXT NOT NULL,        -- YYYY-MM-DD
    note            TEXT,
    recorded_by     BIGINT NOT NULL REFERENCES person(id),
    demo            INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE INDEX deal_listing ON deal(listing_id);
CREATE INDEX deal_signed ON deal(signed_on);

-- ------------------------------------------------------------ saved searches
-- A person's saved search: the text, the filters (JSON object) and the
-- kinds (comma separated); new matches are notified, the last time kept.
CREATE TABLE saved_search (
    id                BIGSERIAL PRIMARY KEY,
    person_id         BIGINT NOT NULL REFERENCES person(id),
    name              TEXT,
    text              TEXT NOT NULL DEFAULT '',
    filters           TEXT NOT NULL DEFAULT '{}',
    kinds             TEXT NOT NULL DEFAULT '',
    notify            INTEGER NOT NULL DEFAULT 1,
    last_generation   BIGINT NOT NULL DEFAULT 0,   -- listing_generation.n when last checked
    created_at        TEXT NOT NULL,
    last_notified_at  TEXT
);
CREATE INDEX saved_search_person ON saved_search(person_id);
