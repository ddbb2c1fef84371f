-- A slug is optional, and most sources and claims have none; but the
-- `slug UNIQUE` of schema version 1 gave every row an entry in the slug's
-- index, NULL slugs too. Writing those entries was a sixth of the cost of
-- writing a source. The tables are made anew with the slug unique among
-- the rows that have one (a partial index), with the same columns in the
-- same order, the same ids (the search index and every reference keep
-- pointing at the same rows) and the same constraints otherwise.

-- The view reads both tables: SQLite cannot rename a table while a view
-- refers to one that is missing, so it goes first and comes back last.
DROP VIEW search_text;

CREATE TABLE source_new (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    slug        TEXT COLLATE NOCASE,
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
    updated_at  TEXT NOT NULL,
    retracted   TEXT NOT NULL DEFAULT ''
);
INSERT INTO source_new (id, uuid, slug, title, publisher, url, copy_url, published, language, kind, reliability, notes, import_id, created_at, updated_at, retracted)
    SELECT id, uuid, slug, title, publisher, url, copy_url, published, language, kind, reliability, notes, import_id, created_at, updated_at, retracted FROM source;
DROP TABLE source;
ALTER TABLE source_new RENAME TO source;
CREATE UNIQUE INDEX source_slug ON source (slug) WHERE slug IS NOT NULL;

CREATE TABLE claim_new (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    slug          TEXT COLLATE NOCASE,
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
    retracted     TEXT NOT NULL DEFAULT '',
    claimant      TEXT NOT NULL DEFAULT '',
    CHECK ((figure_low IS NULL) = (figure_high IS NULL)),
    CHECK (figure_low IS NULL OR figure_low <= figure_high),
    CHECK (status = 'unverified' OR status_reason <> '')
);
INSERT INTO claim_new (id, uuid, slug, text, topic, claimed_on, appeared_in, figure_low, figure_high, figure_unit, status, status_reason, status_by, status_at, import_id, created_at, updated_at, retracted, claimant)
    SELECT id, uuid, slug, text, topic, claimed_on, appeared_in, figure_low, figure_high, figure_unit, status, status_reason, status_by, status_at, import_id, created_at, updated_at, retracted, claimant FROM claim;
DROP TABLE claim;
ALTER TABLE claim_new RENAME TO claim;
CREATE UNIQUE INDEX claim_slug ON claim (slug) WHERE slug IS NOT NULL;
CREATE INDEX claim_topic ON claim (topic);
CREATE INDEX claim_status ON claim (status);

CREATE VIEW search_text (key, kind, id, uuid, main, more, retracted) AS
    SELECT id * 16 + 0, 'claim', id, uuid, text, topic || char(10) || appeared_in, retracted <> '' FROM claim
    UNION ALL
    SELECT id * 16 + 1, 'statement', id, uuid, quote || char(10) || summary, speaker, retracted <> '' FROM statement
    UNION ALL
    SELECT id * 16 + 2, 'source', id, uuid, title, publisher || char(10) || notes, retracted <> '' FROM source
    UNION ALL
    SELECT id * 16 + 3, 'evidence', id, uuid, excerpt, '', retracted <> '' FROM evidence
    UNION ALL
    SELECT id * 16 + 4, 'hypothesis', id, uuid, text, notes, retracted <> '' FROM hypothesis;
