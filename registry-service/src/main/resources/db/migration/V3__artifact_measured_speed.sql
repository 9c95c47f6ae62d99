-- Measured speed of an artifact on a named machine, reported with its quality after creation
-- (PUT /models/{key}/artifacts/{id}/quality). Null until measured; cleared when the file's content changes.
ALTER TABLE artifact
    ADD COLUMN decode_tokens_per_second double precision CHECK (decode_tokens_per_second > 0),
    ADD COLUMN prompt_tokens_per_second double precision CHECK (prompt_tokens_per_second > 0),
    ADD COLUMN measured_on              varchar(128);
