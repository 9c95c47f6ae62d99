-- Model profiles: the shape the planner needs to size a deployment.
-- Units: parameters in billions, fp16 memory in GB (10^9 bytes), everything else a plain count.
CREATE TABLE model_profile (
    model_key           varchar(64)      PRIMARY KEY,
    name                varchar(200)     NOT NULL,
    family              varchar(64)      NOT NULL,
    architecture        varchar(64)      NOT NULL,
    parameters_billions double precision NOT NULL CHECK (parameters_billions > 0),
    fp16_memory_gb      double precision NOT NULL CHECK (fp16_memory_gb > 0),
    layers              integer          NOT NULL CHECK (layers > 0),
    hidden_size         integer          NOT NULL CHECK (hidden_size > 0),
    attention_heads     integer          NOT NULL CHECK (attention_heads > 0),
    kv_heads            integer          NOT NULL CHECK (kv_heads > 0 AND kv_heads <= attention_heads),
    head_dim            integer          NOT NULL CHECK (head_dim > 0),
    context_length      integer          NOT NULL CHECK (context_length > 0),
    vocab_size          integer          NOT NULL CHECK (vocab_size > 0),
    version             bigint           NOT NULL DEFAULT 0,
    created_at          timestamptz      NOT NULL DEFAULT now(),
    updated_at          timestamptz      NOT NULL DEFAULT now()
);

CREATE INDEX model_profile_family_idx ON model_profile (family);
CREATE INDEX model_profile_architecture_idx ON model_profile (architecture);

-- Files of a model: quantized (or fp16) weights with their measured quality against the fp16 file.
CREATE TABLE artifact (
    id                  bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_key           varchar(64)      NOT NULL REFERENCES model_profile (model_key) ON DELETE CASCADE,
    format              varchar(32)      NOT NULL,
    quant_type          varchar(32)      NOT NULL,
    size_bytes          bigint           NOT NULL CHECK (size_bytes >= 0),
    sha256              varchar(64)      NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    location            varchar(1024)    NOT NULL,
    perplexity          double precision CHECK (perplexity > 0),
    kl_divergence       double precision CHECK (kl_divergence >= 0),
    same_top_token_rate double precision CHECK (same_top_token_rate BETWEEN 0 AND 1),
    version             bigint           NOT NULL DEFAULT 0,
    created_at          timestamptz      NOT NULL DEFAULT now(),
    updated_at          timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT artifact_model_location_uk UNIQUE (model_key, location)
);

-- Worker leases: a worker serving one model, alive while expires_at is in the future.
CREATE TABLE worker_lease (
    worker_id           varchar(64)      PRIMARY KEY,
    model_key           varchar(64)      NOT NULL,
    base_url            varchar(512)     NOT NULL,
    capacity            integer          NOT NULL CHECK (capacity > 0),
    renewed_at          timestamptz      NOT NULL,
    expires_at          timestamptz      NOT NULL
);

CREATE INDEX worker_lease_model_expiry_idx ON worker_lease (model_key, expires_at);
