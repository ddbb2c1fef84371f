-- Corrections and withdrawals, quote kinds and claimants.

-- A record withdrawn with a reason stays in the file and in the history;
-- `retracted` holds the reason, and '' means the record is live. Listings,
-- comparisons, counts, reports and search leave retracted records out.
ALTER TABLE party ADD COLUMN retracted TEXT NOT NULL DEFAULT '';
ALTER TABLE source ADD COLUMN retracted TEXT NOT NULL DEFAULT '';
ALTER TABLE claim ADD COLUMN retracted TEXT NOT NULL DEFAULT '';
ALTER TABLE statement ADD COLUMN retracted TEXT NOT NULL DEFAULT '';
ALTER TABLE evidence ADD COLUMN retracted TEXT NOT NULL DEFAULT '';

-- A statement's quote is the speaker's own words ('direct'), or the
-- source's account of what was said ('reported').
ALTER TABLE statement ADD COLUMN quote_kind TEXT NOT NULL DEFAULT 'direct' CHECK (quote_kind IN ('direct', 'reported'));

-- Who made the claim: the article, a ministry, "social media posts".
ALTER TABLE claim ADD COLUMN claimant TEXT NOT NULL DEFAULT '';

-- The kinds of record and of change are declared in crosscheck's code
-- (src/store/kind.rs), which checks them on every write; the lists that
-- schema version 1 kept in CHECK constraints would need a new table for
-- every new kind. History and import are made anew without them.
CREATE TABLE history_new (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    at          TEXT NOT NULL,
    analyst     TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action <> ''),
    entity      TEXT NOT NULL CHECK (entity <> ''),
    entity_uuid TEXT NOT NULL,
    handle      TEXT NOT NULL,
    claim_uuid  TEXT,
    before      TEXT,
    after       TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);
INSERT INTO history_new SELECT id, uuid, at, analyst, action, entity, entity_uuid, handle, claim_uuid, before, after, reason, prev_hash, hash FROM history;
DROP TABLE history;
ALTER TABLE history_new RENAME TO history;
CREATE INDEX history_entity ON history (entity_uuid);
CREATE INDEX history_claim ON history (claim_uuid);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only: entries cannot be changed');
END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only: entries cannot be deleted');
END;

CREATE TABLE import_new (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    entity      TEXT NOT NULL CHECK (entity <> ''),
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    analyst     TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
INSERT INTO import_new SELECT id, uuid, entity, file_name, sha256, inserted, updated, rejected, analyst, imported_at FROM import;
DROP TABLE import;
ALTER TABLE import_new RENAME TO import;

-- The searchable text now says which records are retracted, so that search
-- can leave them out. A record's row in the index is its id times sixteen
-- plus its kind's code (schema version 3 used four, room for four kinds
-- only): room for sixteen searched kinds. The index is made anew with the
-- new keys.
DROP VIEW search_text;
CREATE VIEW search_text (key, kind, id, uuid, main, more, retracted) AS
    SELECT id * 16 + 0, 'claim', id, uuid, text, topic || char(10) || appeared_in, retracted <> '' FROM claim
    UNION ALL
    SELECT id * 16 + 1, 'statement', id, uuid, quote || char(10) || summary, speaker, retracted <> '' FROM statement
    UNION ALL
    SELECT id * 16 + 2, 'source', id, uuid, title, publisher || char(10) || notes, retracted <> '' FROM source
    UNION ALL
    SELECT id * 16 + 3, 'evidence', id, uuid, excerpt, '', retracted <> '' FROM evidence;
DELETE FROM search_index;
INSERT INTO search_index (rowid, main, more)
    SELECT key, cc_search_text(main), cc_search_text(more) FROM search_text;
