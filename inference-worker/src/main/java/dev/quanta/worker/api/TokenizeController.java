package dev.quanta.worker.api;

import dev.quanta.worker.tokenizer.ChatTemplateException;
import dev.quanta.worker.tokenizer.ChatTemplates;
import dev.quanta.worker.tokenizer.Message;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * vLLM's {@code /tokenize} ({@code {"model","prompt"[,"add_special_tokens"]}} or {@code {"model","messages"}}
 * → {@code {"tokens","count","max_model_len"}}) and {@code /detokenize} ({@code {"model","tokens"}} →
 * {@code {"prompt"}}). Errors as RFC 9457 problem details (they are the worker's own endpoints).
 */
@RestController
class TokenizeController {

    private final WorkerState state;

    TokenizeController(WorkerState state) {
        this.state = state;
    }

    @PostMapping("/tokenize")
    ObjectNode tokenize(HttpServletRequest request) throws IOException {
        ServedModel m = state.serving();
        Fields f = new Fields(Json.parse(Bodies.read(request)));
        m.check(f.string("model", null));
        int[] tokens;
        if (f.has("messages")) {
            List<Message> messages = ChatMessages.read(f.node("messages"));
            try {
                String rendered = m.chatTemplate().render(messages, f.bool("add_generation_prompt", true));
                tokens = ChatTemplates.encodePrompt(m.tokenizer(), rendered);
            } catch (ChatTemplateException e) {
                throw OpenAiException.invalid("messages", "The chat template rejected the messages: "
                        + e.getMessage());
            }
        } else {
            String prompt = f.string("prompt", null);
            if (prompt == null) {
                throw OpenAiException.invalid("prompt", "Missing required parameter: 'prompt' (or 'messages').");
            }
            tokens = m.tokenizer().encode(prompt, f.bool("add_special_tokens", true), true);
        }
        ObjectNode out = Json.object();
        out.put("count", tokens.length);
        out.put("max_model_len", m.engine().maxModelLen());
        ArrayNode ids = out.putArray("tokens");
        for (int t : tokens) {
            ids.add(t);
        }
        out.putNull("token_strs");
        return out;
    }

    @PostMapping("/detokenize")
    ObjectNode detokenize(HttpServletRequest request) throws IOException {
        ServedModel m = state.serving();
        Fields f = new Fields(Json.parse(Bodies.read(request)));
        m.check(f.string("model", null));
        if (!f.has("tokens")) {
            throw OpenAiException.invalid("tokens", "Missing required parameter: 'tokens'.");
        }
        List<Integer> ids = GenerationOptions.tokenIds(f, "tokens", m.tokenizer().vocabSize());
        int[] tokens = ids.stream().mapToInt(Integer::intValue).toArray();
        return Json.object().put("prompt", m.tokenizer().decode(tokens));
    }
}
