-- crosscheck case file, schema version 1.
-- Every record has an integer id (its typed handle is a prefix plus the id:
-- P7, S12, C3, ST4, E5) and a UUID that never changes, so that two case files
-- can be merged without collisions. Dates are ISO 8601 text: YYYY, YYYY-MM or
-- YYYY-MM-DD for when something was said or published, and a full UTC
-- timestamp (YYYY-MM-DDTHH:MM:SS.sssZ) for when a record was written.

-- One row per import run; rows brought in by an import point at it.
CREATE TABLE import (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    entity      TEXT NOT NULL CHECK (entity IN ('parties', 'sources', 'claims', 'statements', 'evidence')),
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    analyst     TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- Who makes statements: a state (by ISO 3166 alpha-2 code), a body of one
-- (parent is the state), an organisation, an outlet or an analyst.
CREATE TABLE party (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    code       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name       TEXT NOT NULL CHECK (name <> ''),
    kind       TEXT NOT NULL CHECK (kind IN ('state', 'body', 'organisation', 'outlet', 'analyst')),
    parent_id  INTEGER REFERENCES party (id),
    notes      TEXT NOT NULL DEFAULT '',
    import_id  INTEGER REFERENCES import (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A document. reliability is the NATO Admiralty source grade A to F.
-- url is the original publisher's address; copy_url a mirror or copy.
CREATE TABLE source (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    slug        TEXT UNIQUE COLLATE NOCASE,
    title       TEXT NOT NULL CHECK (title <> ''),
    publisher   TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    copy_url    TEXT NOT NULL DEFAULT '',
    published   TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('official-statement', 'news-report', 'white-paper', 'legal-act', 'dataset', 'analysis', 'reference', 'opinion', 'other')),
    reliability TEXT NOT NULL DEFAULT 'F' CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
    notes       TEXT NOT NULL DEFAULT '',
    import_id   INTEGER REFERENCES import (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One checkable proposition. A figure is a value (figure_low = figure_high)
-- or a range. status is the current verdict; every change of it is in history.
CREATE TABLE claim (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    slug          TEXT UNIQUE COLLATE NOCASE,
    text          TEXT NOT NULL CHECK (text <> ''),
    topic         TEXT NOT NULL DEFAULT '',
    claimed_on    TEXT NOT NULL DEFAULT '',
    appeared_in   TEXT NOT NULL DEFAULT '',
    figure_low    REAL,
    figure_high   REAL,
    figure_unit   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'unverified' CHECK (status IN ('unverified', 'in-review', 'supported', 'refuted', 'misleading', 'disputed', 'unverifiable')),
    status_reason TEXT NOT NULL DEFAULT '',
    status_by     TEXT NOT NULL DEFAULT '',
    status_at     TEXT NOT NULL DEFAULT '',
    import_id     INTEGER REFERENCES import (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((figure_low IS NULL) = (figure_high IS NULL)),
    CHECK (figure_low IS NULL OR figure_low <= figure_high),
    CHECK (status = 'unverified' OR status_reason <> '')
);
CREATE INDEX claim_topic ON claim (topic);
CREATE INDEX claim_status ON claim (status);

-- A party's account of a claim.
CREATE TABLE statement (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    claim_id    INTEGER NOT NULL REFERENCES claim (id),
    party_id    INTEGER NOT NULL REFERENCES party (id),
    stance      TEXT NOT NULL CHECK (stance IN ('affirms', 'denies', 'disputes', 'qualifies')),
    said_on     TEXT NOT NULL DEFAULT '',
    speaker     TEXT NOT NULL DEFAULT '',
    quote       TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    source_id   INTEGER REFERENCES source (id),
    figure_low  REAL,
    figure_high REAL,
    figure_unit TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    import_id   INTEGER REFERENCES import (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (quote <> '' OR summary <> ''),
    CHECK ((figure_low IS NULL) = (figure_high IS NULL)),
    CHECK (figure_low IS NULL OR figure_low <= figure_high)
);
CREATE INDEX statement_claim ON statement (claim_id);
CREATE INDEX statement_party ON statement (party_id);
CREATE INDEX statement_source ON statement (source_id);

-- A source linked to a claim. credibility is the Admiralty information
-- grade 1 to 6.
CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    claim_id    INTEGER NOT NULL REFERENCES claim (id),
    source_id   INTEGER NOT NULL REFERENCES source (id),
    relation    TEXT NOT NULL CHECK (relation IN ('supports', 'refutes', 'context')),
    excerpt     TEXT NOT NULL DEFAULT '',
    locator     TEXT NOT NULL DEFAULT '',
    credibility INTEGER NOT NULL DEFAULT 6 CHECK (credibility BETWEEN 1 AND 6),
    notes       TEXT NOT NULL DEFAULT '',
    import_id   INTEGER REFERENCES import (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX evidence_claim ON evidence (claim_id);
CREATE INDEX evidence_source ON evidence (source_id);

-- A preserved copy of a source (PDF, HTML, image, WARC), kept byte for byte.
CREATE TABLE capture (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    source_id   INTEGER NOT NULL REFERENCES source (id),
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    media_type  TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    attached_by TEXT NOT NULL,
    attached_at TEXT NOT NULL
);
CREATE INDEX capture_source ON capture (source_id);

-- The record of every change: who, when, what (the values before and after,
-- as JSON objects) and why. Each entry's hash is the SHA-256 of its content
-- and the previous entry's hash, so that rewriting any entry breaks the chain.
CREATE TABLE history (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    at          TEXT NOT NULL,
    analyst     TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'edit', 'link', 'mark', 'import', 'attach')),
    entity      TEXT NOT NULL CHECK (entity IN ('party', 'source', 'claim', 'statement', 'evidence', 'import', 'capture')),
    entity_uuid TEXT NOT NULL,
    handle      TEXT NOT NULL,
    claim_uuid  TEXT,
    before      TEXT,
    after       TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);
CREATE INDEX history_entity ON history (entity_uuid);
CREATE INDEX history_claim ON history (claim_uuid);

-- The history is append-only, even for someone with the sqlite3 shell.
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only: entries cannot be changed');
END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only: entries cannot be deleted');
END;
