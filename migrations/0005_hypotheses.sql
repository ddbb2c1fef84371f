-- Competing hypotheses (Analysis of Competing Hypotheses): a claim's rival
-- explanations, and each evidence item's or statement's rating against each.

-- One explanation of a claim. A claim's hypotheses are meant to be mutually
-- exclusive: at most one of them is true.
CREATE TABLE hypothesis (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    claim_id   INTEGER NOT NULL REFERENCES claim (id),
    text       TEXT NOT NULL CHECK (text <> ''),
    notes      TEXT NOT NULL DEFAULT '',
    retracted  TEXT NOT NULL DEFAULT '',
    import_id  INTEGER REFERENCES import (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX hypothesis_claim ON hypothesis (claim_id);

-- How consistent one evidence item or one statement (exactly one of the
-- two) is with one hypothesis of the same claim, on Heuer's scale: CC very
-- consistent, C consistent, N neutral, NA not applicable, I inconsistent,
-- II very inconsistent; with its relevance (low, medium, high).
CREATE TABLE rating (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    hypothesis_id INTEGER NOT NULL REFERENCES hypothesis (id),
    evidence_id   INTEGER REFERENCES evidence (id),
    statement_id  INTEGER REFERENCES statement (id),
    rating        TEXT NOT NULL CHECK (rating IN ('CC', 'C', 'N', 'NA', 'I', 'II')),
    relevance     TEXT NOT NULL DEFAULT 'medium' CHECK (relevance IN ('low', 'medium', 'high')),
    notes         TEXT NOT NULL DEFAULT '',
    retracted     TEXT NOT NULL DEFAULT '',
    import_id     INTEGER REFERENCES import (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((evidence_id IS NULL) <> (statement_id IS NULL))
);
CREATE INDEX rating_evidence ON rating (evidence_id);
CREATE INDEX rating_statement ON rating (statement_id);
-- One live rating per hypothesis and item: rating again replaces it, and a
-- retracted rating stays beside the live one.
CREATE UNIQUE INDEX rating_live ON rating (hypothesis_id, ifnull(evidence_id, 0), ifnull(statement_id, 0)) WHERE retracted = '';

-- Hypotheses are searched too, as kind 4 of the index's keys (a record's
-- row is its id times sixteen plus its kind). The table is new, so the
-- index holds nothing to change.
DROP VIEW search_text;
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
