package dev.quanta.gateway.proxy.http;

import java.net.ProtocolException;
import java.util.Arrays;

/**
 * A response's status line and fields as {@link ResponseReader} read them, with what the framing needs decided
 * once: the body's length, whether it is chunked, whether the connection may carry another exchange.
 *
 * @param status        the status code, 100-999
 * @param http10        whether the worker answered HTTP/1.0 (keep-alive only when it says so)
 * @param fields        names and values alternating: {@code [name0, value0, name1, value1, ...]}, as received
 *                      (names in their case, values without surrounding whitespace)
 */
public record ResponseHead(int status, boolean http10, String[] fields) {

    /** How the body after this head is delimited. */
    enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    /** The first value of field {@code name} (case-insensitive), or null. */
    public String header(String name) {
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                return fields[i + 1];
            }
        }
        return null;
    }

    /** The declared Content-Length, -1 when absent; a malformed or conflicting one is a protocol error. */
    long declaredLength() throws ProtocolException {
        long length = -1;
        for (int i = 0; i < fields.length; i += 2) {
            if (!fields[i].equalsIgnoreCase("Content-Length")) {
                continue;
            }
            for (String part : fields[i + 1].split(",", -1)) {
                long n = parseLength(part.strip());
                if (length >= 0 && n != length) {
                    throw new ProtocolException("conflicting Content-Length values: " + fields[i + 1]);
                }
                length = n;
            }
        }
        return length;
    }

    private static long parseLength(String s) throws ProtocolException {
        if (s.isEmpty() || s.length() > 18) {
            throw new ProtocolException("bad Content-Length: '" + s + "'");
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new ProtocolException("bad Content-Length: '" + s + "'");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** The body's framing for a response to a request with {@code method} (RFC 9112 §6.3, in its order). */
    Framing framing(String method) throws ProtocolException {
        if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return Framing.NONE;
        }
        String te = header("Transfer-Encoding");
        if (te != null) {
            int comma = te.lastIndexOf(',');
            String last = (comma < 0 ? te : te.substring(comma + 1)).strip();
            return last.equalsIgnoreCase("chunked") && !http10 ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
        }
        long length = declaredLength();
        return length < 0 ? Framing.UNTIL_CLOSE : length == 0 ? Framing.NONE : Framing.LENGTH;
    }

    /**
     * Whether the worker lets the connection carry another exchange after this one (its framing aside). A message
     * with both Transfer-Encoding and Content-Length is read by the former, but the connection is not trusted
     * after it (RFC 9112 §6.1).
     */
    boolean keepAlive() {
        boolean close = header("Transfer-Encoding") != null && header("Content-Length") != null;
        boolean keep = false;
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase("Connection")) {
                for (String option : fields[i + 1].split(",")) {
                    String o = option.strip();
                    close |= o.equalsIgnoreCase("close");
                    keep |= o.equalsIgnoreCase("keep-alive");
                }
            }
        }
        return !close && (!http10 || keep);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResponseHead h && h.status == status && h.http10 == http10 && Arrays.equals(h.fields, fields);
    }

    @Override
    public int hashCode() {
        return 31 * status + Arrays.hashCode(fields);
    }

    @Override
    public String toString() {
        return "ResponseHead[" + status + (http10 ? " HTTP/1.0" : "") + " " + Arrays.toString(fields) + "]";
    }
}
