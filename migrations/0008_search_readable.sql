-- The search index without the contentless_delete option (SQLite 3.43 and
-- later only), so that every table of a case file opens in SQLite from 3.37
-- on: Debian 12's sqlite3 shell, Python's sqlite3 module and Datasette.
-- crosscheck takes an entry out with FTS5's 'delete' command and the text it
-- was made from (src/store/search.rs, reindex).
DROP TABLE search_index;
CREATE VIRTUAL TABLE search_index USING fts5 (
    main,
    more,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_index (rowid, main, more)
    SELECT key, cc_search_text(main), cc_search_text(more) FROM search_text;
