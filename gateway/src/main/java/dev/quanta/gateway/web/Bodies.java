package dev.quanta.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reads request bodies with the size limit enforced while reading (chunked bodies included). */
public final class Bodies {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private Bodies() {}

    /**
     * The request's body, refused past {@code maxBytes}. With a declared length it is read straight into one
     * array of that size (no chunk buffer, no final copy); a chunked body is gathered as it comes.
     */
    public static byte[] read(HttpServletRequest request, long maxBytes) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        InputStream in = request.getInputStream();
        if (declared >= 0 && declared <= Integer.MAX_VALUE - 8) {
            byte[] body = new byte[(int) declared];
            int n = in.readNBytes(body, 0, body.length);
            return n == body.length ? body : Arrays.copyOf(body, n);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        byte[] buffer = new byte[8192];
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

    /**
     * All of {@code in}; when its length is known ({@code length >= 0}) into one array of that size, without
     * the 8 KiB chunk buffers and final copy of {@link InputStream#readAllBytes}.
     */
    public static byte[] readAll(InputStream in, long length) throws IOException {
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            return in.readAllBytes();
        }
        byte[] bytes = new byte[(int) length];
        int n = in.readNBytes(bytes, 0, bytes.length);
        if (n < bytes.length) {
            throw new java.io.EOFException("response ended after " + n + " of " + length + " bytes");
        }
        return bytes;
    }

    /** The body as a JSON object, or a 400 saying why not. */
    public static ObjectNode readObject(HttpServletRequest request, long maxBytes) throws IOException {
        return parseObject(read(request, maxBytes));
    }

    /** {@code bytes} as a JSON object, or a 400 saying why not. */
    public static ObjectNode parseObject(byte[] bytes) {
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
