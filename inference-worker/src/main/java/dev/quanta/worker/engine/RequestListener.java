package dev.quanta.worker.engine;

import dev.quanta.worker.sampling.TokenLogProb;
import java.util.List;

/**
 * Receives a request's output. Called on the engine's step thread: implementations must not block (hand the data
 * to the client's stream and return). An exception thrown here cancels the request, never the engine.
 */
public interface RequestListener {

    /**
     * Once, before any token, when the request asked for prompt log-probabilities: entry {@code i} describes prompt
     * token {@code i} (entry 0 is null: the first token has no context). Each entry's first element is the prompt
     * token itself, followed by the top alternatives.
     */
    default void onPromptLogprobs(List<TokenLogProb[]> perToken) {}

    /** A generated token. */
    void onToken(TokenOutput token);

    /**
     * Sequence {@code index} ended. Called once per sequence, after its last token.
     *
     * @param text any text still held back that now belongs to the output (normally empty)
     */
    void onFinish(int index, FinishReason reason, String text, Usage usage);

    /** The request failed inside the engine (never because of another request); no further calls follow. */
    default void onError(Throwable error) {}
}
