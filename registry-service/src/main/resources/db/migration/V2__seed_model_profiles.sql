-- The five profiles of the old tooling (its parameter and fp16 figures kept as users know them),
-- then today's common models. Shapes from each model's published config.json:
-- layers = num_hidden_layers, hidden = hidden_size, heads = num_attention_heads,
-- kv = num_key_value_heads, head_dim = hidden_size / num_attention_heads (or head_dim),
-- context = max_position_embeddings (the card's supported context), vocab = vocab_size.
-- Architecture names are GGUF's general.architecture, so imported files match the seeds.
INSERT INTO model_profile (model_key, name, family, architecture, parameters_billions, fp16_memory_gb,
                           layers, hidden_size, attention_heads, kv_heads, head_dim, context_length, vocab_size)
VALUES
    ('llama-7b',      'Llama-2-7B',      'llama',   'llama',  7,     14,     32, 4096, 32, 32, 128,   4096,  32000),
    ('llama-13b',     'Llama-2-13B',     'llama',   'llama',  13,    26,     40, 5120, 40, 40, 128,   4096,  32000),
    ('llama-70b',     'Llama-2-70B',     'llama',   'llama',  70,    140,    80, 8192, 64,  8, 128,   4096,  32000),
    ('qwen-7b',       'Qwen2.5-7B',      'qwen',    'qwen2',  7,     14,     28, 3584, 28,  4, 128, 131072, 152064),
    ('qwen-72b',      'Qwen2.5-72B',     'qwen',    'qwen2',  72,    144,    80, 8192, 64,  8, 128, 131072, 152064),
    ('llama-3.1-8b',  'Llama-3.1-8B',    'llama',   'llama',  8.03,  16.06,  32, 4096, 32,  8, 128, 131072, 128256),
    ('llama-3.1-70b', 'Llama-3.1-70B',   'llama',   'llama',  70.6,  141.2,  80, 8192, 64,  8, 128, 131072, 128256),
    ('llama-3.2-1b',  'Llama-3.2-1B',    'llama',   'llama',  1.24,  2.48,   16, 2048, 32,  8,  64, 131072, 128256),
    ('llama-3.2-3b',  'Llama-3.2-3B',    'llama',   'llama',  3.21,  6.42,   28, 3072, 24,  8, 128, 131072, 128256),
    ('qwen2.5-0.5b',  'Qwen2.5-0.5B',    'qwen',    'qwen2',  0.49,  0.98,   24,  896, 14,  2,  64,  32768, 151936),
    ('qwen2.5-1.5b',  'Qwen2.5-1.5B',    'qwen',    'qwen2',  1.54,  3.08,   28, 1536, 12,  2, 128,  32768, 151936),
    ('qwen2.5-32b',   'Qwen2.5-32B',     'qwen',    'qwen2',  32.5,  65.0,   64, 5120, 40,  8, 128, 131072, 152064),
    ('mistral-7b',    'Mistral-7B-v0.3', 'mistral', 'llama',  7.25,  14.5,   32, 4096, 32,  8, 128,  32768,  32768),
    ('smollm2-135m',  'SmolLM2-135M',    'smollm',  'llama',  0.135, 0.27,   30,  576,  9,  3,  64,   8192,  49152),
    ('smollm2-360m',  'SmolLM2-360M',    'smollm',  'llama',  0.362, 0.724,  32,  960, 15,  5,  64,   8192,  49152),
    ('smollm2-1.7b',  'SmolLM2-1.7B',    'smollm',  'llama',  1.71,  3.42,   24, 2048, 32, 32,  64,   8192,  49152);
