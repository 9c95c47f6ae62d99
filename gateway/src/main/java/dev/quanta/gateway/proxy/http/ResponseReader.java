package dev.quanta.gateway.proxy.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads HTTP/1.1 responses (RFC 9112) from one connection to a worker: each head, then its body as a stream that
 * ends where the message ends, so that the connection can carry the next exchange.
 *
 * <pre>
 * response      = status-line *( field-line EOL ) EOL [ body ]
 * status-line   = "HTTP/1." DIGIT SP 3DIGIT [ SP reason ]                        ("HTTP/1.0": see keep-alive)
 * field-line    = field-name ":" *( SP / HTAB ) field-value *( SP / HTAB )       (no space before ":", no folding)
 * EOL           = CRLF / LF                                                      (a bare LF is accepted, §2.2)
 * body framing, in this order (§6.3):
 *   none          request HEAD; status 1xx (skipped, the final head follows), 204, 304; Content-Length: 0
 *   chunked       Transfer-Encoding whose last coding is "chunked" (HTTP/1.1):
 *                   *( chunk-size [ BWS ";" ext ] EOL chunk-data EOL ) "0" [ ";" ext ] EOL *( field-line EOL ) EOL
 *                   chunk-size in hex, at most 15 digits; extensions and trailer fields are read and dropped
 *   until close   any other Transfer-Encoding, or neither it nor Content-Length (the connection is not reused)
 *   length        Content-Length: N (one value; repeated equal values are accepted), exactly N bytes
 * </pre>
 *
 * Bounds: a head (status line and fields) or a chunk's size line and trailer is at most {@value #MAX_HEAD} bytes and
 * {@value #MAX_FIELDS} fields. Anything outside this grammar or these bounds is a {@link ProtocolException}; a
 * stream that ends inside a message is an {@link EOFException}. Nothing here blocks beyond one read of the
 * underlying stream per call, so a streamed body is passed on as it arrives.
 */
final class ResponseReader {

    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_FIELDS = 256;

    private final InputStream in;
    /** Bytes received and not yet consumed: {@code buf[pos, limit)}. */
    private byte[] buf;
    private int pos;
    private int limit;
    /** Bytes received on this connection so far (any byte tells that the worker took the request up). */
    private long received;
    /** Bytes of lines read since {@link #startLines}: bounds a head or a chunk's framing. */
    private int lineBytes;
    private int lineCount;
    private Body body;

    ResponseReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /** Bytes received so far on the connection. */
    long received() {
        return received;
    }

    /** Whether bytes the current message did not account for are waiting (the connection must not be reused). */
    boolean hasBuffered() {
        return pos < limit;
    }

    /** Whether the last body handed out has been read to its end (true when it had none). */
    boolean bodyComplete() {
        return body == null || body.done;
    }

    /** The last body's declared length: -1 when unknown (chunked or until close), 0 when there is none. */
    long bodyLength() {
        return body == null ? 0 : body.length;
    }

    /** Whether the last body's framing lets the connection carry another message after it. */
    boolean framedByLength() {
        return body == null || !(body instanceof UntilClose);
    }

    /**
     * The next final response's head (1xx heads are skipped). {@link EOFException} when the stream ends first,
     * whether before any byte of the head or inside it.
     */
    ResponseHead readHead() throws IOException {
        while (true) {
            ResponseHead head = readOneHead();
            if (head.status() >= 200) {
                return head;
            }
            if (head.status() == 101) {
                throw new ProtocolException("unexpected 101 Switching Protocols (no upgrade was asked for)");
            }
        }
    }

    private ResponseHead readOneHead() throws IOException {
        startLines();
        String statusLine = readLine();
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || !digit(statusLine.charAt(7))
                || statusLine.charAt(8) != ' ' || !digit(statusLine.charAt(9)) || !digit(statusLine.charAt(10))
                || !digit(statusLine.charAt(11)) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new ProtocolException("bad status line: '" + clip(statusLine) + "'");
        }
        int status = (statusLine.charAt(9) - '0') * 100 + (statusLine.charAt(10) - '0') * 10 + (statusLine.charAt(11) - '0');
        if (status < 100) {
            throw new ProtocolException("bad status code in '" + clip(statusLine) + "'");
        }
        List<String> fields = readFields();
        return new ResponseHead(status, statusLine.charAt(7) == '0', fields.toArray(String[]::new));
    }

    /** Field lines up to the empty line that ends them. */
    private List<String> readFields() throws IOException {
        List<String> fields = new ArrayList<>(16);
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new EOFException("connection closed inside a response head");
            }
            if (line.isEmpty()) {
                return fields;
            }
            if (++lineCount > MAX_FIELDS) {
                throw new ProtocolException("more than " + MAX_FIELDS + " header fields");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' '
                    || line.charAt(colon - 1) == '\t') {
                throw new ProtocolException("bad header field: '" + clip(line) + "'");
            }
            fields.add(line.substring(0, colon));
            fields.add(strip(line, colon + 1));
        }
    }

    /** The body after {@code head}, for a request with {@code method}; replaces the previous one. */
    InputStream body(ResponseHead head, String method) throws ProtocolException {
        body = switch (head.framing(method)) {
            case NONE -> new Fixed(0);
            case LENGTH -> new Fixed(head.declaredLength());
            case CHUNKED -> new Chunked();
            case UNTIL_CLOSE -> new UntilClose();
        };
        return body;
    }

    // ---- lines ---------------------------------------------------------------------------------------------

    private void startLines() {
        lineBytes = 0;
        lineCount = 0;
    }

    /** One line without its EOL (ISO-8859-1), null when the stream ends before any byte of it. */
    private String readLine() throws IOException {
        int scanned = pos;
        while (true) {
            for (int i = scanned; i < limit; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    lineBytes += i + 1 - pos;
                    if (lineBytes > MAX_HEAD) {
                        throw new ProtocolException("response head longer than " + MAX_HEAD + " bytes");
                    }
                    String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return line;
                }
            }
            if (lineBytes + (limit - pos) > MAX_HEAD) {
                throw new ProtocolException("response head longer than " + MAX_HEAD + " bytes");
            }
            scanned = limit - pos; // relative: fill() moves the unread bytes to the front
            if (fill() < 0) {
                if (limit == pos) {
                    return null;
                }
                throw new EOFException("connection closed inside a line");
            }
            scanned = pos + scanned;
        }
    }

    /**
     * One read of the stream into the buffer after what is unread (moved to the front, the buffer grown when
     * full): the number of bytes read, -1 at the end of the stream.
     */
    private int fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_HEAD + 2));
            if (limit == buf.length) {
                throw new ProtocolException("response head longer than " + MAX_HEAD + " bytes");
            }
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n > 0) {
            limit += n;
            received += n;
        }
        return n;
    }

    /**
     * Up to {@code len} body bytes into {@code b}: what is buffered, else one read of the stream (straight into
     * {@code b} when that is as large as the buffer). -1 at the end of the stream.
     */
    private int readSome(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == limit) {
            if (len >= buf.length) {
                int n = in.read(b, off, len);
                if (n > 0) {
                    received += n;
                }
                return n;
            }
            pos = limit = 0;
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String strip(String s, int from) {
        int start = from;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    // ---- bodies --------------------------------------------------------------------------------------------

    /** A body that ends with its message; {@link #done} once its end has been read. */
    private abstract class Body extends InputStream {
        /** Declared length in bytes, -1 when the framing declares none. */
        final long length;
        boolean done;

        Body(long length) {
            this.length = length;
        }
        private final byte[] one = new byte[1];

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int available() {
            return done ? 0 : limit - pos;
        }
    }

    /** Exactly {@code remaining} bytes. */
    private final class Fixed extends Body {
        private long remaining;

        Fixed(long length) {
            super(length);
            this.remaining = length;
            this.done = length == 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (remaining == 0) {
                done = true;
                return -1;
            }
            int n = readSome(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed with " + remaining + " bytes of the body missing");
            }
            remaining -= n;
            if (remaining == 0) {
                done = true;
            }
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(super.available(), remaining);
        }
    }

    /** Chunks, each passed on as it arrives. */
    private final class Chunked extends Body {
        /** Bytes left in the current chunk; 0 before the first size line and after each chunk's data. */
        private long left;
        private boolean started;

        Chunked() {
            super(-1);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (left == 0) {
                startLines();
                if (started) {
                    String end = readLine();
                    if (end == null || !end.isEmpty()) {
                        throw end == null ? new EOFException("connection closed after a chunk's data")
                                : new ProtocolException("chunk data longer than its size");
                    }
                }
                started = true;
                long size = chunkSize();
                if (size == 0) {
                    readFields(); // trailer fields, dropped
                    done = true;
                    return -1;
                }
                left = size;
            }
            int n = readSome(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            left -= n;
            return n;
        }

        private long chunkSize() throws IOException {
            String line = readLine();
            if (line == null) {
                throw new EOFException("connection closed before a chunk");
            }
            int end = line.indexOf(';');
            String hex = strip(end < 0 ? line : line.substring(0, end), 0);
            if (hex.isEmpty() || hex.length() > 15) {
                throw new ProtocolException("bad chunk size: '" + clip(line) + "'");
            }
            long size = 0;
            for (int i = 0; i < hex.length(); i++) {
                int d = Character.digit(hex.charAt(i), 16);
                if (d < 0) {
                    throw new ProtocolException("bad chunk size: '" + clip(line) + "'");
                }
                size = size * 16 + d;
            }
            return size;
        }

        @Override
        public int available() {
            return (int) Math.min(super.available(), left);
        }
    }

    /** Everything until the worker closes the connection. */
    private final class UntilClose extends Body {
        UntilClose() {
            super(-1);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (done) {
                return -1;
            }
            int n = readSome(b, off, len);
            if (n < 0) {
                done = true;
            }
            return n;
        }
    }
}
