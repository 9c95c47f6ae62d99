package dev.quanta.worker.tokenizer;

/**
 * Token types as stored in GGUF {@code tokenizer.ggml.token_type} (llama.cpp's {@code llama_token_type}).
 * Values outside 1..6 are treated as {@link #UNDEFINED}.
 */
public enum TokenType {
    UNDEFINED(0), NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    private final int code;

    TokenType(int code) {
        this.code = code;
    }

    /** The integer stored in GGUF. */
    public int code() {
        return code;
    }

    public static TokenType ofCode(int code) {
        return code >= 1 && code <= 6 ? values()[code] : UNDEFINED;
    }

    /** Control and unknown tokens: rendered only on request, matched in text only with parse-special. */
    boolean isSpecial() {
        return this == CONTROL || this == UNKNOWN;
    }
}
