package dev.quanta.worker.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies read as raw UTF-8 whatever the {@code Content-Type} (clients such as {@code curl -d} send JSON
 * labelled as a form; OpenAI and vLLM parse it as JSON all the same).
 */
final class Bodies {

    /** Largest body accepted (a full 128K-token prompt as JSON ids is well under this). */
    static final int MAX_BYTES = 16 << 20;

    private Bodies() {}

    static String read(HttpServletRequest request) throws IOException {
        byte[] bytes = request.getInputStream().readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new OpenAiException(413, "invalid_request_error", "The request body exceeds " + (MAX_BYTES >> 20)
                    + " MiB.", null, "request_too_large", 0);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
