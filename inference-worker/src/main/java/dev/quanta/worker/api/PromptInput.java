package dev.quanta.worker.api;

import dev.quanta.worker.tokenizer.Tokenizer;
import tools.jackson.databind.JsonNode;

/**
 * A completion prompt as OpenAI accepts it: a string, an array of token ids, or a one-element array of either.
 * Several prompts in one request (batched prompts) are refused with a 400: send one request per prompt.
 *
 * @param tokens the prompt's ids (BOS added to text prompts when the vocabulary wants it)
 * @param text   the prompt as text (decoded from the ids for token prompts), for {@code echo}
 */
record PromptInput(int[] tokens, String text) {

    static PromptInput read(JsonNode prompt, Tokenizer tokenizer) {
        if (prompt == null || prompt.isNull()) {
            throw OpenAiException.invalid("prompt", "Missing required parameter: 'prompt'.");
        }
        if (prompt.isString()) {
            return text(prompt.stringValue(), tokenizer);
        }
        if (!prompt.isArray()) {
            throw Fields.wrongType("prompt", "a string or an array", prompt);
        }
        if (prompt.isEmpty()) {
            throw OpenAiException.invalid("prompt", "Invalid 'prompt': it must not be empty.");
        }
        JsonNode first = prompt.get(0);
        if (first.isString() || first.isArray()) {
            if (prompt.size() > 1) {
                throw OpenAiException.invalid("prompt", "Batched prompts (" + prompt.size()
                        + " in one request) are not supported: send one request per prompt.");
            }
            return first.isString() ? text(first.stringValue(), tokenizer) : ids(first, tokenizer);
        }
        return ids(prompt, tokenizer);
    }

    private static PromptInput text(String text, Tokenizer tokenizer) {
        int[] ids = tokenizer.encode(text, true, true);
        if (ids.length == 0) {
            throw OpenAiException.invalid("prompt", "Invalid 'prompt': it encodes to no tokens.");
        }
        return new PromptInput(ids, text);
    }

    private static PromptInput ids(JsonNode array, Tokenizer tokenizer) {
        if (array.isEmpty()) {
            throw OpenAiException.invalid("prompt", "Invalid 'prompt': it must not be empty.");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) Fields.integer("prompt[" + i + "]", array.get(i), 0, tokenizer.vocabSize() - 1);
        }
        return new PromptInput(ids, tokenizer.decode(ids));
    }
}
