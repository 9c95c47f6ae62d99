package dev.quanta.worker.tokenizer;

/** A chat template could not be rendered (syntax error, {@code raise_exception(...)}, bad messages). */
public final class ChatTemplateException extends RuntimeException {

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
