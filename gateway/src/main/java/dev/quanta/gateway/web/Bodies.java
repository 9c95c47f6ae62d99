package dev.quanta.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reads request bodies with the size limit enforced while reading (chunked bodies included). */
public final class Bodies {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private Bodies() {}

    public static byte[] read(HttpServletRequest request, long maxBytes) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        byte[] buffer = new byte[8192];
        InputStream in = request.getInputStream();
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > maxBytes) {
                throw tooLarge(maxBytes);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The body as a JSON object, or a 400 saying why not. */
    public static ObjectNode readObject(HttpServletRequest request, long maxBytes) throws IOException {
        byte[] bytes = read(request, maxBytes);
        if (bytes.length == 0) {
            throw GatewayException.badRequest("request body is empty; expected a JSON object", null);
        }
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw GatewayException.badRequest("malformed JSON: " + e.getOriginalMessage(), null);
        }
        if (!(node instanceof ObjectNode object)) {
            throw GatewayException.badRequest("request body must be a JSON object", null);
        }
        return object;
    }

    private static GatewayException tooLarge(long maxBytes) {
        return new GatewayException(413, "request_too_large", "request body exceeds " + maxBytes + " bytes");
    }
}
