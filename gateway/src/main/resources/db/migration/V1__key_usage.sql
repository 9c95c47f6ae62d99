-- Per-key usage counters shared by every gateway replica: one row per key, kind and fixed window.
CREATE TABLE key_usage (
    key_id       varchar(64)  NOT NULL,                 -- first 16 hex digits of the key's SHA-256, never the key
    kind         varchar(16)  NOT NULL CHECK (kind IN ('requests', 'tokens')),
    window_start timestamptz  NOT NULL,                 -- start of the fixed window, on the database's clock
    used         bigint       NOT NULL CHECK (used >= 0),
    PRIMARY KEY (key_id, kind, window_start)
);
CREATE INDEX key_usage_window_start ON key_usage (window_start);
