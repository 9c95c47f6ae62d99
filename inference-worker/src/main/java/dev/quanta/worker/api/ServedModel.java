package dev.quanta.worker.api;

import dev.quanta.gguf.GgufFormatException;
import dev.quanta.worker.engine.InferenceEngine;
import dev.quanta.worker.tokenizer.ChatTemplate;
import dev.quanta.worker.tokenizer.ChatTemplates;
import dev.quanta.worker.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;

/**
 * A loaded engine under the name clients use for it, with its chat template (read once from the GGUF).
 *
 * @param name      the served model name ({@code model} in requests and responses)
 * @param createdAt seconds since the epoch when it was loaded ({@code created} in /v1/models)
 */
public record ServedModel(String name, InferenceEngine engine, ChatTemplate chatTemplate, long createdAt) {

    public static ServedModel of(String name, InferenceEngine engine) {
        try {
            ChatTemplate template = ChatTemplates.forModel(engine.model().file().metadata(), engine.tokenizer());
            return new ServedModel(name, engine, template, System.currentTimeMillis() / 1000);
        } catch (GgufFormatException e) {
            throw new IllegalStateException("cannot read the chat template of " + name + ": " + e.getMessage(), e);
        }
    }

    public Tokenizer tokenizer() {
        return engine.tokenizer();
    }

    /** A token as text for logprobs (its bytes decoded; control tokens as their text). */
    String tokenString(int id) {
        return new String(engine.tokenizer().piece(id, true), StandardCharsets.UTF_8);
    }

    byte[] tokenBytes(int id) {
        return engine.tokenizer().piece(id, true);
    }

    /** @throws OpenAiException 404 when {@code requested} names another model (null = this one) */
    void check(String requested) {
        if (requested != null && !requested.equals(name)) {
            throw OpenAiException.modelNotFound(requested);
        }
    }
}
