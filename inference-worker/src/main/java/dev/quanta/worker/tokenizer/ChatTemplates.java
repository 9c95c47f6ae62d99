package dev.quanta.worker.tokenizer;

import dev.quanta.gguf.GgufFormatException;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufMetadata;
import java.util.Locale;
import java.util.Optional;

/**
 * Chat templates: the model's own ({@code tokenizer.chat_template}) or one of three built-ins (ChatML,
 * Llama 3, Llama 2), written in Jinja and rendered by the same engine.
 *
 * <p>NOTE: the built-ins do not write BOS: the tokenizer adds it ({@link #encodePrompt}). Many file templates
 * do write {@code {{ bos_token }}}; {@link #encodePrompt} then does not add a second one.
 */
public final class ChatTemplates {

    /** {@code <|im_start|>role\ncontent<|im_end|>\n}, used by Qwen, SmolLM, many fine-tunes. */
    static final String CHATML = """
            {%- for message in messages -%}
            {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}
            {{- '<|im_start|>assistant\\n' -}}
            {%- endif -%}
            """;

    /** Llama 3 / 3.1 headers; content trimmed as in Meta's template. */
    static final String LLAMA3 = """
            {%- for message in messages -%}
            {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}
            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
            {%- endif -%}
            """;

    /** Llama 2 chat: {@code [INST] <<SYS>>\nsys\n<</SYS>>\n\nuser [/INST] answer </s><s>[INST] ...}; roles must alternate. */
    static final String LLAMA2 = """
            {%- set offset = 1 if messages and messages[0]['role'] == 'system' else 0 -%}
            {%- for message in messages -%}
            {%- if loop.index0 >= offset -%}
            {%- if (message['role'] == 'user') != ((loop.index0 - offset) % 2 == 0) -%}
            {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') -}}
            {%- endif -%}
            {%- if message['role'] == 'user' -%}
            {%- if loop.index0 > offset -%}{{- bos_token -}}{%- endif -%}
            {%- if loop.index0 == offset and offset == 1 -%}
            {{- '[INST] <<SYS>>\\n' + messages[0]['content'] | trim + '\\n<</SYS>>\\n\\n' + message['content'] | trim + ' [/INST]' -}}
            {%- else -%}
            {{- '[INST] ' + message['content'] | trim + ' [/INST]' -}}
            {%- endif -%}
            {%- else -%}
            {{- ' ' + message['content'] | trim + ' ' + eos_token -}}
            {%- endif -%}
            {%- endif -%}
            {%- endfor -%}
            """;

    private static final System.Logger LOG = System.getLogger(ChatTemplates.class.getName());

    private ChatTemplates() {}

    /** The built-in templates. */
    public enum Builtin {
        CHATML(ChatTemplates.CHATML), LLAMA3(ChatTemplates.LLAMA3), LLAMA2(ChatTemplates.LLAMA2);

        private final String source;

        Builtin(String source) {
            this.source = source;
        }

        public String source() {
            return source;
        }

        /** {@code chatml}, {@code llama3}, {@code llama2} (case-insensitive). */
        public static Builtin named(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown chat template '" + name + "' (built-ins: chatml, llama3, llama2)");
            }
        }
    }

    /** A built-in template with the tokenizer's BOS/EOS texts. */
    public static ChatTemplate builtin(Builtin which, Tokenizer tokenizer) {
        return new JinjaChatTemplate(which.name().toLowerCase(Locale.ROOT), which.source(),
                specialText(tokenizer, tokenizer.bos()), specialText(tokenizer, tokenizer.eos()));
    }

    /**
     * The model's template: {@code tokenizer.chat_template} when present, else the built-in matching the
     * vocabulary ({@code <|start_header_id|>} → Llama 3, {@code <|im_start|>} → ChatML, otherwise Llama 2).
     */
    public static ChatTemplate forModel(GgufMetadata metadata, Tokenizer tokenizer) throws GgufFormatException {
        Optional<String> source = metadata.findString(GgufKeys.TOKENIZER_CHAT_TEMPLATE);
        if (source.isPresent() && !source.get().isBlank()) {
            return new JinjaChatTemplate("gguf", source.get(),
                    specialText(tokenizer, tokenizer.bos()), specialText(tokenizer, tokenizer.eos()));
        }
        Builtin guess = guess(tokenizer);
        LOG.log(System.Logger.Level.INFO, "model has no chat template; using built-in {0}", guess);
        return builtin(guess, tokenizer);
    }

    static Builtin guess(Tokenizer tokenizer) {
        boolean headers = false;
        boolean imStart = false;
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            String t = tokenizer.tokenText(id);
            headers |= t.equals("<|start_header_id|>");
            imStart |= t.equals("<|im_start|>");
        }
        return headers ? Builtin.LLAMA3 : imStart ? Builtin.CHATML : Builtin.LLAMA2;
    }

    /**
     * Token ids of a rendered prompt: special tokens in the text are parsed, and BOS is added when the
     * vocabulary wants it and the text does not already start with it.
     */
    public static int[] encodePrompt(Tokenizer tokenizer, String rendered) {
        String bos = specialText(tokenizer, tokenizer.bos());
        boolean hasBos = !bos.isEmpty() && rendered.startsWith(bos);
        return tokenizer.encode(rendered, !hasBos, true);
    }

    private static String specialText(Tokenizer tokenizer, int id) {
        return id == Tokenizer.NO_TOKEN ? "" : tokenizer.tokenText(id);
    }
}
