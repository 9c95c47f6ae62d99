package dev.quanta.worker.api;

import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.StopConditions;
import dev.quanta.worker.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;

/**
 * The fields both OpenAI generation endpoints share, read and range-checked (OpenAI's ranges, vLLM's extensions:
 * {@code top_k}, {@code min_p}, {@code repetition_penalty}, {@code stop_token_ids}, {@code ignore_eos},
 * {@code min_tokens}, {@code cache_salt}).
 *
 * @param maxTokens   {@code max_completion_tokens} or {@code max_tokens}; null = the endpoint's default
 * @param topLogprobs -1 = no logprobs; else the number of alternatives per position (endpoint-specific fields)
 */
record GenerationOptions(SamplingParams sampling, Integer maxTokens, int minTokens, List<String> stop,
                         List<Integer> stopTokenIds, boolean ignoreEos, int n, int topLogprobs, boolean stream,
                         boolean includeUsage, String cacheSalt) {

    /** Most completions one request may ask for. */
    static final int MAX_N = 16;
    /** Most stop strings (OpenAI allows 4; vLLM has no limit). */
    static final int MAX_STOP = 16;

    static GenerationOptions read(Fields f, int vocabSize, int topLogprobs) {
        float temperature = (float) f.number("temperature", 1.0, 0, 2);
        float topP = (float) f.number("top_p", 1.0, 0, 1);
        if (f.has("top_p") && topP == 0f) {
            throw OpenAiException.invalid("top_p", "Invalid 'top_p': it must be greater than 0 and at most 1.");
        }
        long topK = f.integer("top_k", 0, -1, vocabSize);
        float minP = (float) f.number("min_p", 0, 0, 1);
        float repetition = (float) f.number("repetition_penalty", 1.0, 0, 10);
        if (f.has("repetition_penalty") && repetition == 0f) {
            throw OpenAiException.invalid("repetition_penalty",
                    "Invalid 'repetition_penalty': it must be greater than 0.");
        }
        float presence = (float) f.number("presence_penalty", 0, -2, 2);
        float frequency = (float) f.number("frequency_penalty", 0, -2, 2);
        long seed = f.has("seed") ? f.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE)
                : ThreadLocalRandom.current().nextLong();
        Map<Integer, Float> bias = logitBias(f, vocabSize);
        SamplingParams sampling = new SamplingParams(temperature, (int) Math.max(topK, 0), topP, minP, seed,
                repetition, presence, frequency, bias);

        Integer maxTokens = null;
        if (f.has("max_completion_tokens")) {
            maxTokens = (int) f.integer("max_completion_tokens", 0, 1, Integer.MAX_VALUE);
        } else if (f.has("max_tokens")) {
            maxTokens = (int) f.integer("max_tokens", 0, 1, Integer.MAX_VALUE);
        }
        int minTokens = (int) f.integer("min_tokens", 0, 0, Integer.MAX_VALUE);
        if (maxTokens != null && minTokens > maxTokens) {
            throw OpenAiException.invalid("min_tokens", "Invalid 'min_tokens': " + minTokens
                    + " is greater than max_tokens (" + maxTokens + ").");
        }
        List<String> stop = f.stringOrStrings("stop", MAX_STOP);
        List<Integer> stopIds = tokenIds(f, "stop_token_ids", vocabSize);
        boolean ignoreEos = f.bool("ignore_eos", false);
        int n = (int) f.integer("n", 1, 1, MAX_N);
        if (f.has("best_of") && f.integer("best_of", n, 1, MAX_N) != n) {
            throw OpenAiException.invalid("best_of", "'best_of' other than 'n' is not supported.");
        }
        boolean stream = f.bool("stream", false);
        boolean includeUsage = false;
        JsonNode options = f.node("stream_options");
        if (options != null) {
            if (!stream) {
                throw OpenAiException.invalid("stream_options",
                        "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
            }
            includeUsage = new Fields(options).bool("include_usage", false);
        }
        String salt = f.string("cache_salt", null);
        return new GenerationOptions(sampling, maxTokens, minTokens, stop, stopIds, ignoreEos, n, topLogprobs, stream,
                includeUsage, salt);
    }

    /**
     * The engine request for {@code prompt}; {@code defaultMaxTokens} applies when none was asked (0 = the rest of
     * the context).
     *
     * @throws OpenAiException 400 {@code context_length_exceeded} when prompt plus max_tokens exceed the context
     */
    EngineRequest toEngineRequest(String id, int[] prompt, int maxModelLen, int defaultMaxTokens,
                                  boolean promptLogprobs) {
        int room = maxModelLen - prompt.length;
        if (room < 1 || (maxTokens != null && maxTokens > room)) {
            int asked = maxTokens != null ? maxTokens : 1;
            throw OpenAiException.invalid(maxTokens != null ? "max_tokens" : "prompt", "context_length_exceeded",
                    "This model's maximum context length is " + maxModelLen + " tokens. However, you requested "
                            + ((long) prompt.length + asked) + " tokens (" + prompt.length + " in the prompt, " + asked
                            + " in the completion). Please reduce the prompt or the completion length.");
        }
        int max = maxTokens != null ? maxTokens : defaultMaxTokens > 0 ? Math.min(defaultMaxTokens, room) : room;
        if (minTokens > max) {
            throw OpenAiException.invalid("min_tokens", "Invalid 'min_tokens': " + minTokens
                    + " is greater than max_tokens (" + max + ").");
        }
        StopConditions stopConditions = new StopConditions(max, minTokens, stop, stopTokenIds, ignoreEos);
        return new EngineRequest(id, prompt, sampling, stopConditions, n, topLogprobs, promptLogprobs, cacheSalt);
    }

    private static Map<Integer, Float> logitBias(Fields f, int vocabSize) {
        JsonNode v = f.node("logit_bias");
        Map<Integer, Float> bias = new HashMap<>();
        if (v == null) {
            return bias;
        }
        if (!v.isObject()) {
            throw Fields.wrongType("logit_bias", "an object", v);
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw OpenAiException.invalid("logit_bias", "Invalid 'logit_bias': key '" + e.getKey()
                        + "' is not a token id.");
            }
            if (id < 0 || id >= vocabSize) {
                throw OpenAiException.invalid("logit_bias", "Invalid 'logit_bias': token id " + id
                        + " is out of vocabulary (0.." + (vocabSize - 1) + ").");
            }
            JsonNode value = e.getValue();
            if (!value.isNumber()) {
                throw Fields.wrongType("logit_bias." + e.getKey(), "a decimal", value);
            }
            double b = value.doubleValue();
            if (!(b >= -100 && b <= 100)) {
                throw OpenAiException.invalid("logit_bias", "Invalid 'logit_bias': " + b + " for token " + id
                        + " is out of range; it must be between -100 and 100.");
            }
            bias.put(id, (float) b);
        }
        return bias;
    }

    static List<Integer> tokenIds(Fields f, String name, int vocabSize) {
        JsonNode v = f.node(name);
        List<Integer> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw Fields.wrongType(name, "an array of integers", v);
        }
        for (int i = 0; i < v.size(); i++) {
            out.add((int) Fields.integer(name + "[" + i + "]", v.get(i), 0, vocabSize - 1));
        }
        return out;
    }
}
