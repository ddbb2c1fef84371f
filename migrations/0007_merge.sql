-- Merging case files (`crosscheck merge`).

-- An entry copied from another case file keeps the hash it had in that
-- file's chain, so that `verify --other FILE` can find it there. It is part
-- of the entry's own hash when present; entries written here have none, and
-- hash as they always did.
ALTER TABLE history ADD COLUMN origin_hash TEXT;
