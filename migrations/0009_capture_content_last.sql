-- A capture's content moves to the end of its row. SQLite writes a new
-- row's zeroblob without building it in memory only when nothing comes
-- after it; with attached_by and attached_at after the content, attaching a
-- 200 MB file took 390 MB of memory. Now it takes a few megabytes, and the
-- content still streams in and out through incremental blob I/O.
CREATE TABLE capture_new (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    source_id   INTEGER NOT NULL REFERENCES source (id),
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    media_type  TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    attached_by TEXT NOT NULL,
    attached_at TEXT NOT NULL,
    content     BLOB NOT NULL
);
INSERT INTO capture_new (id, uuid, source_id, sha256, size, media_type, file_name, attached_by, attached_at, content)
    SELECT id, uuid, source_id, sha256, size, media_type, file_name, attached_by, attached_at, content FROM capture;
DROP TABLE capture;
ALTER TABLE capture_new RENAME TO capture;
CREATE INDEX capture_source ON capture (source_id);
