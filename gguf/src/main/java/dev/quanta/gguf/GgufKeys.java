package dev.quanta.gguf;

/**
 * Standard GGUF metadata keys (llama.cpp's gguf-py {@code constants.py} names). Keys that start with the
 * architecture take it as an argument: {@code GgufKeys.blockCount("llama")} → {@code llama.block_count}.
 */
public final class GgufKeys {

    private GgufKeys() {}

    // general.*
    public static final String GENERAL_ARCHITECTURE = "general.architecture";
    public static final String GENERAL_NAME = "general.name";
    public static final String GENERAL_ALIGNMENT = "general.alignment";
    public static final String GENERAL_FILE_TYPE = "general.file_type";
    public static final String GENERAL_QUANTIZATION_VERSION = "general.quantization_version";
    public static final String GENERAL_BASENAME = "general.basename";
    public static final String GENERAL_SIZE_LABEL = "general.size_label";
    public static final String GENERAL_LICENSE = "general.license";
    public static final String GENERAL_DESCRIPTION = "general.description";

    // {arch}.* suffixes
    public static final String CONTEXT_LENGTH = "context_length";
    public static final String EMBEDDING_LENGTH = "embedding_length";
    public static final String BLOCK_COUNT = "block_count";
    public static final String FEED_FORWARD_LENGTH = "feed_forward_length";
    public static final String VOCAB_SIZE = "vocab_size";
    public static final String ATTENTION_HEAD_COUNT = "attention.head_count";
    public static final String ATTENTION_HEAD_COUNT_KV = "attention.head_count_kv";
    public static final String ATTENTION_KEY_LENGTH = "attention.key_length";
    public static final String ATTENTION_VALUE_LENGTH = "attention.value_length";
    public static final String ATTENTION_LAYER_NORM_RMS_EPSILON = "attention.layer_norm_rms_epsilon";
    public static final String ATTENTION_LAYER_NORM_EPSILON = "attention.layer_norm_epsilon";
    public static final String ATTENTION_SLIDING_WINDOW = "attention.sliding_window";
    public static final String ROPE_DIMENSION_COUNT = "rope.dimension_count";
    public static final String ROPE_FREQ_BASE = "rope.freq_base";
    public static final String ROPE_SCALING_TYPE = "rope.scaling.type";
    public static final String ROPE_SCALING_FACTOR = "rope.scaling.factor";
    public static final String ROPE_SCALING_ORIGINAL_CONTEXT_LENGTH = "rope.scaling.original_context_length";

    // tokenizer.*
    public static final String TOKENIZER_MODEL = "tokenizer.ggml.model";
    public static final String TOKENIZER_PRE = "tokenizer.ggml.pre";
    public static final String TOKENIZER_TOKENS = "tokenizer.ggml.tokens";
    public static final String TOKENIZER_SCORES = "tokenizer.ggml.scores";
    public static final String TOKENIZER_TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String TOKENIZER_MERGES = "tokenizer.ggml.merges";
    public static final String TOKENIZER_BOS_ID = "tokenizer.ggml.bos_token_id";
    public static final String TOKENIZER_EOS_ID = "tokenizer.ggml.eos_token_id";
    public static final String TOKENIZER_UNK_ID = "tokenizer.ggml.unknown_token_id";
    public static final String TOKENIZER_SEP_ID = "tokenizer.ggml.seperator_token_id"; // sic, as in llama.cpp
    public static final String TOKENIZER_PAD_ID = "tokenizer.ggml.padding_token_id";
    public static final String TOKENIZER_EOT_ID = "tokenizer.ggml.eot_token_id";
    public static final String TOKENIZER_ADD_BOS = "tokenizer.ggml.add_bos_token";
    public static final String TOKENIZER_ADD_EOS = "tokenizer.ggml.add_eos_token";
    public static final String TOKENIZER_ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";
    public static final String TOKENIZER_CHAT_TEMPLATE = "tokenizer.chat_template";

    /** {@code arch + "." + suffix}, e.g. {@code arch("qwen2", ROPE_FREQ_BASE)} → {@code qwen2.rope.freq_base}. */
    public static String arch(String arch, String suffix) {
        return arch + "." + suffix;
    }

    public static String contextLength(String arch) {
        return arch(arch, CONTEXT_LENGTH);
    }

    public static String embeddingLength(String arch) {
        return arch(arch, EMBEDDING_LENGTH);
    }

    public static String blockCount(String arch) {
        return arch(arch, BLOCK_COUNT);
    }

    public static String feedForwardLength(String arch) {
        return arch(arch, FEED_FORWARD_LENGTH);
    }

    public static String vocabSize(String arch) {
        return arch(arch, VOCAB_SIZE);
    }

    public static String headCount(String arch) {
        return arch(arch, ATTENTION_HEAD_COUNT);
    }

    public static String headCountKv(String arch) {
        return arch(arch, ATTENTION_HEAD_COUNT_KV);
    }

    public static String keyLength(String arch) {
        return arch(arch, ATTENTION_KEY_LENGTH);
    }

    public static String valueLength(String arch) {
        return arch(arch, ATTENTION_VALUE_LENGTH);
    }

    public static String rmsEpsilon(String arch) {
        return arch(arch, ATTENTION_LAYER_NORM_RMS_EPSILON);
    }

    public static String ropeFreqBase(String arch) {
        return arch(arch, ROPE_FREQ_BASE);
    }

    public static String ropeDimensionCount(String arch) {
        return arch(arch, ROPE_DIMENSION_COUNT);
    }
}
