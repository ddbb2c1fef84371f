-- Places and the names each party uses for them.

-- A place the parties name differently: the Liancourt Rocks, which South
-- Korea calls Dokdo and Japan Takeshima. part_of says that one place lies
-- within another (the Northern Territories within the Kuril Islands):
-- places may overlap, and each keeps its own names.
CREATE TABLE place (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    slug       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    part_of_id INTEGER REFERENCES place (id),
    notes      TEXT NOT NULL DEFAULT '',
    retracted  TEXT NOT NULL DEFAULT '',
    import_id  INTEGER REFERENCES import (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One name of a place: its text, its language (ISO 639-1), the parties
-- that use it (used_by: a JSON array of party ids, empty for a name no
-- party claims), whether it is the neutral or reference name, and the
-- source of the usage. folded is the text as names are matched: Unicode
-- normalised (NFKC), case and accents folded, words joined by one space;
-- crosscheck writes it with the text.
CREATE TABLE name (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    place_id   INTEGER NOT NULL REFERENCES place (id),
    text       TEXT NOT NULL CHECK (text <> ''),
    folded     TEXT NOT NULL CHECK (folded <> ''),
    language   TEXT NOT NULL CHECK (language <> ''),
    used_by    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(used_by) AND json_type(used_by) = 'array'),
    reference  INTEGER NOT NULL DEFAULT 0 CHECK (reference IN (0, 1)),
    source_id  INTEGER REFERENCES source (id),
    notes      TEXT NOT NULL DEFAULT '',
    retracted  TEXT NOT NULL DEFAULT '',
    import_id  INTEGER REFERENCES import (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A place has each live name once; two places may share one (search then
-- says which places a name stood for).
CREATE UNIQUE INDEX name_once_a_place ON name (place_id, folded) WHERE retracted = '';
-- Search looks names up by their folded text.
CREATE INDEX name_folded ON name (folded);
