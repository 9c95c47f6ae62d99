-- The planner's hardware inventory: GPU types and CPU node types, and how many of each are free.
-- Throughput figures are dense (not 2:4 sparse) vendor peaks; NULL where the math is unsupported.
-- GB = 10^9 bytes, bandwidth GB/s, TFLOPS/TOPS = 10^12 operations/s.
CREATE TABLE hardware_type (
    name                    VARCHAR(64)      PRIMARY KEY,
    kind                    VARCHAR(8)       NOT NULL CHECK (kind IN ('GPU', 'CPU')),
    memory_gb               DOUBLE PRECISION NOT NULL CHECK (memory_gb > 0),
    bandwidth_gb_per_second DOUBLE PRECISION NOT NULL CHECK (bandwidth_gb_per_second > 0),
    -- GPU: dense FP16/BF16 tensor TFLOPS; CPU: FP32 vector peak of all cores
    fp16_tflops             DOUBLE PRECISION NOT NULL CHECK (fp16_tflops > 0),
    fp8_tops                DOUBLE PRECISION CHECK (fp8_tops > 0),
    int8_tops               DOUBLE PRECISION CHECK (int8_tops > 0),
    -- USD per device-hour; NULL when unknown (no cost estimate then)
    price_per_hour          DOUBLE PRECISION CHECK (price_per_hour >= 0),
    available               INTEGER          NOT NULL CHECK (available >= 0),
    cores                   INTEGER          CHECK (cores > 0),
    version                 BIGINT           NOT NULL DEFAULT 0,
    updated_at              TIMESTAMPTZ      NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX hardware_type_name_ci ON hardware_type (lower(name));

-- Prices: indicative on-demand USD list prices per GPU-hour (2025), to be replaced by the operator's own
-- through PUT /gpus/{name}; NULL where no representative list price exists.
INSERT INTO hardware_type (name, kind, memory_gb, bandwidth_gb_per_second, fp16_tflops, fp8_tops, int8_tops,
                           price_per_hour, available, cores) VALUES
    ('A100-40GB',    'GPU',  40, 1555,  312, NULL,  624, 1.29, 8, NULL),
    ('A100-80GB',    'GPU',  80, 2039,  312, NULL,  624, 1.79, 8, NULL),
    ('H100-80GB',    'GPU',  80, 3350,  989, 1979, 1979, 2.99, 8, NULL),
    ('H100-PCIe',    'GPU',  80, 2000,  756, 1513, 1513, 2.49, 8, NULL),
    ('H200',         'GPU', 141, 4800,  989, 1979, 1979, 3.79, 8, NULL),
    ('L40S-48GB',    'GPU',  48,  864,  362,  733,  733, 0.99, 8, NULL),
    ('L4',           'GPU',  24,  300,  121,  242,  242, 0.70, 8, NULL),
    ('A10G',         'GPU',  24,  600,   70, NULL, NULL, 1.01, 8, NULL),
    ('RTX4090-24GB', 'GPU',  24, 1008,  165,  330,  661, 0.40, 8, NULL),
    ('T4-16GB',      'GPU',  16,  320,   65, NULL,  130, 0.35, 8, NULL),
    ('MI300X',       'GPU', 192, 5300, 1307, 2615, 2615, NULL, 8, NULL),
    -- CPU nodes, planned with GGUF only: memory = RAM, bandwidth = all DDR channels,
    -- fp16_tflops = FP32 FMA peak (cores × FLOP/cycle × base clock).
    -- EPYC 9654: 96 Zen 4 cores, 12 × DDR5-4800, 32 FP32 FLOP/cycle × 2.4 GHz
    ('CPU-EPYC-9654',   'CPU', 768, 460.8, 7.37, NULL, NULL, NULL, 2,  96),
    -- Xeon 8480+: 56 cores, 8 × DDR5-4800, 64 FP32 FLOP/cycle (2 × AVX-512 FMA) × 2.0 GHz
    ('CPU-XEON-8480',   'CPU', 512, 307.2, 7.17, NULL, NULL, NULL, 2,  56),
    -- 16-core desktop (Ryzen 9 7950X class): 2 × DDR5-5600, 32 FP32 FLOP/cycle × 4.5 GHz
    ('CPU-DESKTOP-16C', 'CPU',  64,  89.6, 2.30, NULL, NULL, NULL, 1,  16);
