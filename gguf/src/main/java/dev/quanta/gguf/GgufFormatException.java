package dev.quanta.gguf;

import java.io.IOException;

/**
 * A GGUF file (or a value asked of its metadata) is malformed: bad magic, unsupported version, a count,
 * length or offset past the end of the file, a missing or wrongly typed metadata key, and so on.
 *
 * <p>It is a checked {@link IOException} on purpose: it comes from reading a file, so callers that already
 * propagate {@code IOException} get it for free, and services can map this one type to "unprocessable
 * content" (HTTP 422) while other I/O failures stay server errors. The message names what is wrong and,
 * where it applies, the byte offset in the file ({@link #offset()}).
 */
public final class GgufFormatException extends IOException {

    private final long offset;

    /** A problem at byte {@code offset} of the file; the offset is appended to the message. */
    public GgufFormatException(String message, long offset) {
        super(message + " (at byte " + offset + ")");
        this.offset = offset;
    }

    /** A problem that has no single position (e.g. a missing metadata key). */
    public GgufFormatException(String message) {
        super(message);
        this.offset = -1;
    }

    /** Byte offset in the file where the problem was found, or -1 when it has none. */
    public long offset() {
        return offset;
    }
}
