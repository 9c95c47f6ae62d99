package dev.quanta.worker.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import jinjava.javax.el.CompositeELResolver;

/**
 * A chat template in Jinja (as in {@code tokenizer.chat_template}), rendered by jinjava the way Hugging Face
 * renders them: {@code trim_blocks} and {@code lstrip_blocks} on, loop controls ({@code break}/{@code continue})
 * available, and these names defined: {@code messages} (maps with {@code role}, {@code content}),
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, {@code raise_exception(message)}.
 * Python string methods common in templates ({@code startswith}, {@code strip}, {@code split}, ...) work
 * ({@link PythonStringMethods}).
 * Thread-safe.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    /** Output larger than this is refused (a runaway template must not fill the heap). */
    private static final long MAX_OUTPUT_CHARS = 4L << 20;

    private final String name;
    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    /**
     * @param name     a label for logs and errors
     * @param source   the Jinja template text
     * @param bosToken text bound to {@code bos_token} (empty when the vocabulary has none)
     * @param eosToken text bound to {@code eos_token}
     */
    public JinjaChatTemplate(String name, String source, String bosToken, String eosToken) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.bosToken = Objects.requireNonNullElse(bosToken, "");
        this.eosToken = Objects.requireNonNullElse(eosToken, "");
        CompositeELResolver resolvers = new CompositeELResolver();
        resolvers.add(new PythonStringMethods());
        resolvers.add(JinjavaConfig.newBuilder().build().getElResolver());
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withElResolver(resolvers)
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                // message text is data: never render "{{ ... }}" that arrives inside a value
                .withNestedInterpretationEnabled(false)
                // NOTE: Jinja semantics that jinjava keeps behind flags: {{- -}} trims, Python operator
                // precedence, backslash escapes inside quotes only, iterating a dict gives its keys
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withHandleBackslashInQuotesOnly(true)
                        .withIterateOverMapKeys(true)
                        .withEvaluateMapKeys(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "raise_exception", Functions.class, "raiseException", String.class));
    }

    @Override
    public String name() {
        return name;
    }

    /** The template text. */
    public String source() {
        return source;
    }

    @Override
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> msgs = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            msgs.add(map);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("messages", msgs);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        RenderResult result;
        try {
            result = jinjava.renderForResult(source, context);
        } catch (RuntimeException e) {
            throw new ChatTemplateException("chat template '" + name + "' failed: " + rootMessage(e), e);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ChatTemplateException("chat template '" + name + "' failed: " + describe(error));
            }
        }
        return result.getOutput();
    }

    private static String describe(TemplateError error) {
        Throwable raised = error.getException();
        for (Throwable t = raised; t != null; t = t.getCause()) {
            if (t instanceof RaisedException r) {
                return r.getMessage();
            }
        }
        String message = error.getMessage();
        int at = message == null ? -1 : message.indexOf(RaisedException.PREFIX);
        if (at >= 0) {
            return message.substring(at + RaisedException.PREFIX.length());
        }
        return message + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : "");
    }

    private static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RaisedException r) {
                return r.getMessage();
            }
        }
        return e.getMessage();
    }

    @Override
    public String toString() {
        return "JinjaChatTemplate[" + name + "]";
    }

    /** Functions visible to templates. Public only because jinjava calls them reflectively. */
    public static final class Functions {
        private Functions() {}

        /** {@code raise_exception(message)}: aborts rendering with {@code message}. */
        public static String raiseException(String message) {
            throw new RaisedException(message);
        }
    }

    /** Thrown by {@code raise_exception}; its message is the template's. */
    static final class RaisedException extends RuntimeException {
        static final String PREFIX = "raise_exception: ";

        RaisedException(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return PREFIX + getMessage();
        }
    }
}
