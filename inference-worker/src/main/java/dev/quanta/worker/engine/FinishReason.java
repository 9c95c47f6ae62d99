package dev.quanta.worker.engine;

/** Why a sequence ended; {@link #apiName()} is OpenAI's {@code finish_reason}. */
public enum FinishReason {
    /** An end-of-generation token, a stop token id or a stop string. */
    STOP("stop"),
    /** {@code max_tokens} reached, or the context is full. */
    LENGTH("length"),
    /** The caller cancelled (client disconnect) or the engine shut down. */
    ABORT("abort");

    private final String apiName;

    FinishReason(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}
