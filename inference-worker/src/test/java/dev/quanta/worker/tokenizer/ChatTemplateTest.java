package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat templates rendered by jinjava: a file-style template and the three built-ins. */
class ChatTemplateTest {

    private static final List<Message> CONVERSATION = List.of(
            Message.system("You are terse."), Message.user(" Hi! "), Message.assistant("Hello."), Message.user("Bye"));

    /** In the style of Mistral/Llama 2 templates from tokenizer.chat_template. */
    private static final String FILE_TEMPLATE = """
            {{ bos_token }}
            {% for message in messages %}
                {% if message['role'] == 'system' %}
                    {% continue %}
                {% endif %}
                {% if (message['role'] == 'user') != (loop.index0 % 2 == 1) %}
                    {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
                {% endif %}
                {% if message['role'] == 'user' %}
                    {{- '[INST] ' + message['content'] | trim + ' [/INST]' -}}
                {% else %}
                    {{- message['content'] + eos_token -}}
                {% endif %}
                {% if loop.index0 == 5 %}{% break %}{% endif %}
            {% endfor %}
            """;

    private final JinjaChatTemplate file = new JinjaChatTemplate("gguf", FILE_TEMPLATE, "<s>", "</s>");

    @Test
    void fileTemplateUsesBosEosLoopControlsAndTrimmedBlocks() {
        String out = file.render(CONVERSATION, false);
        assertThat(out).isEqualTo("<s>\n[INST] Hi! [/INST]Hello.</s>[INST] Bye [/INST]");
    }

    @Test
    void raiseExceptionAbortsRenderingWithTheTemplatesMessage() {
        assertThatThrownBy(() -> file.render(List.of(Message.system("S"), Message.assistant("first")), false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("Conversation roles must alternate");
    }

    @Test
    void syntaxErrorsBecomeChatTemplateExceptions() {
        JinjaChatTemplate broken = new JinjaChatTemplate("broken", "{% for m in %}", "", "");
        assertThatThrownBy(() -> broken.render(CONVERSATION, true)).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("broken");
    }

    @Test
    void chatmlBuiltIn() {
        ChatTemplate chatml = ChatTemplates.builtin(ChatTemplates.Builtin.CHATML, ToyVocab.spm());
        assertThat(chatml.render(List.of(Message.system("S"), Message.user("U")), true)).isEqualTo(
                "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n");
        assertThat(chatml.render(List.of(Message.user("U")), false)).isEqualTo("<|im_start|>user\nU<|im_end|>\n");
    }

    @Test
    void llama3BuiltInTrimsContentAndEndsWithTheAssistantHeader() {
        ChatTemplate llama3 = ChatTemplates.builtin(ChatTemplates.Builtin.LLAMA3, ToyVocab.spm());
        assertThat(llama3.render(List.of(Message.system("S"), Message.user(" U \n")), true)).isEqualTo(
                "<|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama2BuiltInFoldsTheSystemPromptIntoTheFirstTurn() {
        ChatTemplate llama2 = ChatTemplates.builtin(ChatTemplates.Builtin.LLAMA2, ToyVocab.spm());
        assertThat(llama2.render(CONVERSATION, true)).isEqualTo(
                "[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi! [/INST] Hello. </s><s>[INST] Bye [/INST]");
        assertThat(llama2.render(List.of(Message.user("U")), true)).isEqualTo("[INST] U [/INST]");
        assertThatThrownBy(() -> llama2.render(List.of(Message.user("a"), Message.user("b")), true))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("alternate");
    }

    @Test
    void builtInGuessFollowsTheVocabulary() {
        assertThat(ChatTemplates.guess(ToyVocab.spm())).isEqualTo(ChatTemplates.Builtin.LLAMA2);
        assertThat(ChatTemplates.guess(SharedVocab.vocab("llama-bpe"))).isEqualTo(ChatTemplates.Builtin.LLAMA3);
    }

    @Test
    void encodePromptAddsBosOnlyWhenTheRenderedTextLacksIt() {
        Tokenizer llama3 = SharedVocab.vocab("llama-bpe");
        int[] once = ChatTemplates.encodePrompt(llama3, "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi");
        assertThat(once[0]).isEqualTo(llama3.bos());
        assertThat(once[1]).isNotEqualTo(llama3.bos());
        int[] added = ChatTemplates.encodePrompt(llama3, "<|start_header_id|>user<|end_header_id|>\n\nHi");
        assertThat(added).containsExactly(once);
    }

    @Test
    void unknownBuiltInNameIsAClearError() {
        assertThatThrownBy(() -> ChatTemplates.Builtin.named("vicuna"))
                .hasMessageContaining("vicuna").hasMessageContaining("chatml");
        assertThat(ChatTemplates.Builtin.named("Llama3")).isEqualTo(ChatTemplates.Builtin.LLAMA3);
    }

    /** TinyLlama-1.1B-Chat / Zephyr's published template, newlines and all. */
    private static final String ZEPHYR = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
            + "{{ '<|user|>\\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n"
            + "{{ '<|system|>\\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n"
            + "{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n{% endif %}\n"
            + "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";

    @Test
    void publishedZephyrTemplateRendersAsHuggingFaceDoes() {
        ChatTemplate zephyr = new JinjaChatTemplate("gguf", ZEPHYR, "<s>", "</s>");
        assertThat(zephyr.render(List.of(Message.system("S"), Message.user("U")), true))
                .isEqualTo("<|system|>\nS</s>\n<|user|>\nU</s>\n<|assistant|>\n");
    }

    @Test
    void pythonStringMethodsWorkInTemplates() {
        String source = "{% if messages[0]['content'].strip().startswith('Sy') %}{{ messages[0]['content'].strip().upper() }}"
                + "{% endif %}|{{ 'a  b '.split() | length }}|{{ 'x,y'.split(',')[1] }}|{{ '\\n\\nz\\n'.strip('\\n') }}"
                + "|{{ 'ab'.endswith('b') }}|{{ 'hello world'.title() }}|{{ ' q '.lstrip() }}.|{{ ' q '.rstrip() }}.";
        assertThat(new JinjaChatTemplate("py", source, "", "").render(List.of(Message.system(" Sys ")), false))
                .isEqualTo("SYS|2|y|z|true|Hello World|q .| q.");
    }

    @Test
    void namespacesSlicesAndFiltersWork() {
        String source = "{%- set ns = namespace(users=0) -%}{%- for m in messages[1:] -%}{%- if m.role == 'user' -%}"
                + "{%- set ns.users = ns.users + 1 -%}{%- endif -%}{%- endfor -%}{{ ns.users }}|{{ messages | length }}"
                + "|{{ messages[-1]['content'] }}|{{ messages[0] | tojson }}";
        assertThat(new JinjaChatTemplate("ns", source, "", "").render(CONVERSATION, false))
                .isEqualTo("2|4|Bye|{\"role\":\"system\",\"content\":\"You are terse.\"}");
    }

    @Test
    void templateSyntaxInsideAMessageIsTextNotCode() {
        String content = "{{ 7*7 }} {% if true %}x{% endif %} {{ raise_exception('boom') }}";
        ChatTemplate chatml = ChatTemplates.builtin(ChatTemplates.Builtin.CHATML, ToyVocab.spm());
        assertThat(chatml.render(List.of(Message.user(content)), false))
                .isEqualTo("<|im_start|>user\n" + content + "<|im_end|>\n");
    }
}
