-- Full-text search over claims, statements, sources and evidence.

-- What is searchable, one row per record, as the plain text in the tables:
-- any SQLite tool can read it. key is the record's row in search_index:
-- its id times four plus its kind (0 claim, 1 statement, 2 source,
-- 3 evidence), so that one index serves all four kinds.
CREATE VIEW search_text (key, kind, id, uuid, main, more) AS
    SELECT id * 4 + 0, 'claim', id, uuid, text, topic || char(10) || appeared_in FROM claim
    UNION ALL
    SELECT id * 4 + 1, 'statement', id, uuid, quote || char(10) || summary, speaker FROM statement
    UNION ALL
    SELECT id * 4 + 2, 'source', id, uuid, title, publisher || char(10) || notes FROM source
    UNION ALL
    SELECT id * 4 + 3, 'evidence', id, uuid, excerpt, '' FROM evidence;

-- The index of that text, written by crosscheck (src/search.rs), which first
-- splits Chinese, Japanese and Korean into overlapping two-character words
-- (unicode61 alone keeps a whole CJK run as one word). It is contentless:
-- it holds the words, not a second copy of the text, and contentless_delete
-- lets an edited record's entry be replaced.
CREATE VIRTUAL TABLE search_index USING fts5 (
    main,
    more,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Cases made before search existed: index what they hold. cc_search_text
-- exists only in crosscheck's connections, which are the only ones that migrate.
INSERT INTO search_index (rowid, main, more)
    SELECT key, cc_search_text(main), cc_search_text(more) FROM search_text;
