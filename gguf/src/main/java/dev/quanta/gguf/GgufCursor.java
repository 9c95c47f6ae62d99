package dev.quanta.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian reads from a memory segment at a moving position, each checked against the end of the
 * segment first; failures are {@link GgufFormatException}s naming what was being read and where.
 * Used by {@link GgufReader}, which knows the format; this class only knows bytes.
 */
final class GgufCursor {

    static final long MAX_ARRAY_LENGTH = GgufReader.MAX_ARRAY_LENGTH;
    static final int INITIAL_CAPACITY = 1 << 16;
    private static final int WINDOW_BYTES = 1 << 20;

    private final MemorySegment seg;
    private final long size;
    private long pos;
    private final byte[] window;              // copy of seg[windowStart, windowStart + windowLength)
    private final ByteBuffer windowBuffer;    // little-endian view of window
    private long windowStart;
    private int windowLength;

    GgufCursor(MemorySegment seg) {
        this.seg = seg;
        this.size = seg.byteSize();
        this.window = new byte[(int) Math.min(size, WINDOW_BYTES)];
        this.windowBuffer = ByteBuffer.wrap(window).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Current byte offset. */
    long pos() {
        return pos;
    }

    long size() {
        return size;
    }

    /**
     * A STRING array: checks every element's length against the end of the file, then copies the whole
     * encoded region once; decoding waits until the strings are used ({@link PackedStrings}).
     */
    PackedStrings packedStrings(String what, int n) throws GgufFormatException {
        long start = pos;
        // NOTE: offsets grow as elements are found, so memory follows the bytes actually present.
        int[] offsets = new int[Math.min(n, INITIAL_CAPACITY) + 1];
        for (int i = 0; i < n; i++) {
            if (i + 1 == offsets.length) {
                offsets = Arrays.copyOf(offsets, (int) Math.min(n + 1L, 2L * offsets.length));
            }
            long at = pos;
            if (remaining() < 8) {
                throw new GgufFormatException("truncated file: " + what + " element " + i + " string length needs 8"
                        + " bytes but only " + remaining() + " remain (file size " + size + ")", at);
            }
            long len = window(8).getLong(windowIndex());
            pos += 8;
            if (len < 0 || len > remaining()) {
                throw new GgufFormatException(what + " element " + i + ": string length " + Long.toUnsignedString(len)
                        + " runs past the end of the file (" + remaining() + " bytes left)", at);
            }
            if (pos + len - start > MAX_ARRAY_LENGTH) {
                throw new GgufFormatException(what + ": string array of more than " + MAX_ARRAY_LENGTH
                        + " bytes is too large", at);
            }
            offsets[i] = (int) (at - start);
            pos += len;
        }
        offsets[n] = (int) (pos - start);
        byte[] region = new byte[(int) (pos - start)];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, start, region, 0, region.length);
        return new PackedStrings(region, offsets, n);
    }

    Object copy(Object dst, ValueLayout layout, int n) {
        MemorySegment.copy(seg, layout, pos, dst, 0, n);
        pos += n * layout.byteSize();
        return dst;
    }

    // --- primitives, each checked against the end of the segment

    long remaining() {
        return size - pos;
    }

    void need(long bytes, String what) throws GgufFormatException {
        if (bytes > remaining()) {
            throw new GgufFormatException("truncated file: " + what + " needs " + bytes + " bytes but only "
                    + remaining() + " remain (file size " + size + ")", pos);
        }
    }

    /** Fails unless {@code count} items of at least {@code minBytes} each could fit in the remaining bytes. */
    void requireCount(long count, int minBytes, String what, long at) throws GgufFormatException {
        if (count < 0 || count > remaining() / minBytes) {
            throw new GgufFormatException(what + " " + Long.toUnsignedString(count) + " is impossible: even at "
                    + minBytes + " bytes each it needs more than the " + remaining() + " bytes left in the file"
                    + " (truncated or corrupt file)", at);
        }
    }

    // NOTE: scalars are decoded from a heap copy of the next bytes (the window) rather than with
    // MemorySegment.get: VarHandle access is slow until the JIT compiles it, and a header holds hundreds of
    // thousands of small values (vocabulary lengths), so this keeps a cold open of a big model fast.

    /** The window, refilled from the segment so that it holds at least {@code n} bytes at {@code pos}. */
    private ByteBuffer window(int n) {
        if (pos + n > windowStart + windowLength) {
            windowStart = pos;
            windowLength = (int) Math.min(window.length, size - pos);
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, window, 0, windowLength);
        }
        return windowBuffer;
    }

    private int windowIndex() {
        return (int) (pos - windowStart);
    }

    byte u8(String what) throws GgufFormatException {
        need(1, what);
        byte v = window(1).get(windowIndex());
        pos += 1;
        return v;
    }

    short u16(String what) throws GgufFormatException {
        need(2, what);
        short v = window(2).getShort(windowIndex());
        pos += 2;
        return v;
    }

    int u32(String what) throws GgufFormatException {
        need(4, what);
        int v = window(4).getInt(windowIndex());
        pos += 4;
        return v;
    }

    long u64(String what) throws GgufFormatException {
        need(8, what);
        long v = window(8).getLong(windowIndex());
        pos += 8;
        return v;
    }

    boolean bool(String what) throws GgufFormatException {
        return bool(what, -1);
    }

    /** A bool; {@code index} ≥ 0 names the array element in messages (built only on failure). */
    boolean bool(String what, long index) throws GgufFormatException {
        long at = pos;
        byte b = u8(what);
        if (b != 0 && b != 1) {
            throw new GgufFormatException(what + (index < 0 ? "" : " element " + index) + ": bool byte "
                    + Byte.toUnsignedInt(b) + ", expected 0 or 1", at);
        }
        return b == 1;
    }

    String string(String what) throws GgufFormatException {
        long at = pos;
        long len = u64(what + " string length");
        if (len < 0 || len > remaining()) {
            throw new GgufFormatException(what + ": string length " + Long.toUnsignedString(len) + " runs past the end"
                    + " of the file (" + remaining() + " bytes left)", at);
        }
        if (len > MAX_ARRAY_LENGTH) {
            throw new GgufFormatException(what + ": string of " + len + " bytes is too large", at);
        }
        String s;
        if (len <= window.length) {
            window((int) len);
            s = new String(window, windowIndex(), (int) len, StandardCharsets.UTF_8);
        } else {
            byte[] bytes = new byte[(int) len];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
            s = new String(bytes, StandardCharsets.UTF_8);
        }
        pos += len;
        return s;
    }

}
