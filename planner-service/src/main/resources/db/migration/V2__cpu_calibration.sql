-- CPU node types calibrated by `quanta calibrate` (our own kernels on synthetic data): the figures the planner
-- predicts the CPU worker's decode and prompt speed from. NULL everywhere for GPUs and uncalibrated CPU types.
ALTER TABLE hardware_type
    ADD COLUMN calibration_threads                  INTEGER          CHECK (calibration_threads > 0),
    ADD COLUMN calibration_kernels                  VARCHAR(128),
    -- streaming read bandwidth of all threads, GB/s
    ADD COLUMN calibration_read_gb_per_second       DOUBLE PRECISION CHECK (calibration_read_gb_per_second > 0),
    -- a block's non-matmul steps per token: seconds + seconds per element of (dim + ffn)
    ADD COLUMN calibration_layer_seconds            DOUBLE PRECISION CHECK (calibration_layer_seconds >= 0),
    ADD COLUMN calibration_layer_seconds_per_element DOUBLE PRECISION
        CHECK (calibration_layer_seconds_per_element >= 0),
    -- per token: copying its logits row and picking from it, seconds per vocabulary entry
    ADD COLUMN calibration_token_seconds_per_vocab_entry DOUBLE PRECISION
        CHECK (calibration_token_seconds_per_vocab_entry >= 0),
    -- the attention kernel over a causal prompt, 10^9 operations per second
    ADD COLUMN calibration_attention_gops           DOUBLE PRECISION CHECK (calibration_attention_gops > 0),
    -- tokens per call of the many-token rates
    ADD COLUMN calibration_prompt_tokens            INTEGER          CHECK (calibration_prompt_tokens > 0),
    ADD COLUMN calibrated_at                        TIMESTAMPTZ,
    ADD CONSTRAINT hardware_type_calibration_cpu_only CHECK (calibration_threads IS NULL OR kind = 'CPU'),
    ADD CONSTRAINT hardware_type_calibration_whole CHECK (
        (calibration_threads IS NULL) = (calibration_read_gb_per_second IS NULL)
        AND (calibration_threads IS NULL) = (calibration_layer_seconds IS NULL)
        AND (calibration_threads IS NULL) = (calibration_layer_seconds_per_element IS NULL)
        AND (calibration_threads IS NULL) = (calibration_token_seconds_per_vocab_entry IS NULL)
        AND (calibration_threads IS NULL) = (calibration_attention_gops IS NULL)
        AND (calibration_threads IS NULL) = (calibration_prompt_tokens IS NULL)
        AND (calibration_threads IS NULL) = (calibrated_at IS NULL));

-- Per weight type, the two fitted matmul lines of a calibrated CPU node type:
--   one token: decode_call_seconds + bytes / (decode_gb_per_second * 10^9)
--   many tokens: prompt_call_seconds + 2 * rows * cols * tokens / (prompt_gops * 10^9)
CREATE TABLE cpu_type_rate (
    hardware_name        VARCHAR(64)      NOT NULL REFERENCES hardware_type (name) ON DELETE CASCADE,
    ggml_type            VARCHAR(16)      NOT NULL,
    decode_call_seconds  DOUBLE PRECISION NOT NULL CHECK (decode_call_seconds >= 0),
    decode_gb_per_second DOUBLE PRECISION NOT NULL CHECK (decode_gb_per_second > 0),
    prompt_call_seconds  DOUBLE PRECISION NOT NULL CHECK (prompt_call_seconds >= 0),
    prompt_gops          DOUBLE PRECISION NOT NULL CHECK (prompt_gops > 0),
    PRIMARY KEY (hardware_name, ggml_type)
);
