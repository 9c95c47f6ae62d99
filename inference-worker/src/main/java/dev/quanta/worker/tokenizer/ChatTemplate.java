package dev.quanta.worker.tokenizer;

import java.util.List;

/**
 * Renders a conversation into the prompt text a model was trained on. The result still contains the
 * special tokens as text (e.g. {@code <|im_start|>}): encode it with {@code parseSpecial = true}.
 */
public interface ChatTemplate {

    /**
     * @param messages            the conversation, oldest first
     * @param addGenerationPrompt end with the header that starts the assistant's reply
     * @throws ChatTemplateException when the template fails or raises an exception (e.g. roles out of order)
     */
    String render(List<Message> messages, boolean addGenerationPrompt);

    /** A short name for logs: {@code gguf}, {@code chatml}, {@code llama3}, {@code llama2}. */
    String name();
}
