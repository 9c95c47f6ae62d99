package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian, unaligned reads and writes of block fields, plus the two scalar rounding helpers every
 * ggml quantizer uses. GGUF data is little-endian whatever the host; tensors are only 32-byte aligned and
 * blocks of 18, 22, 34 ... bytes leave every field unaligned.
 */
final class Le {

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Le() {}

    /** Unsigned byte at {@code offset} (0..255). */
    static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /** Signed byte at {@code offset} (-128..127). */
    static int i8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset);
    }

    static void put8(MemorySegment s, long offset, int value) {
        s.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    /** IEEE half at {@code offset}, widened to float. */
    static float half(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(SHORT, offset));
    }

    /** Stores {@code value} as an IEEE half, rounded like {@code GGML_FP32_TO_FP16}. */
    static void putHalf(MemorySegment s, long offset, float value) {
        s.set(SHORT, offset, Float.floatToFloat16(value));
    }

    /** Rounds through a half and back: what a quantizer reads back after {@code y.d = GGML_FP32_TO_FP16(d)}. */
    static float viaHalf(float value) {
        return Float.float16ToFloat(Float.floatToFloat16(value));
    }

    /**
     * ggml's {@code nearest_int}: adds 1.5·2^23 so the float adder rounds to nearest even, then reads the
     * mantissa. Valid for |x| ≤ 4194303; reproduced literally (not {@code Math.rint}) so out-of-range and
     * NaN inputs give the same garbage as C.
     */
    static int nearestInt(float x) {
        float val = x + 12582912f;
        int i = Float.floatToRawIntBits(val);
        return (i & 0x007fffff) - 0x00400000;
    }

    /** C {@code roundf}: round half away from zero (Java's {@code Math.round} rounds half up instead). */
    static float roundf(float x) {
        // NOTE: in double, |x| + 0.5 is exact for every float below 2^29, so 0.49999997f does not round up.
        double r = Math.floor(Math.abs((double) x) + 0.5);
        return (float) Math.copySign(r, x);
    }

    /** C's (int8_t) conversion of an int: keeps the low 8 bits, signed. */
    static int toInt8(int v) {
        return (byte) v;
    }

    /** Copies {@code buf.length} bytes at {@code offset} into {@code buf} (one block, for field access). */
    static void load(MemorySegment s, long offset, byte[] buf) {
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, offset, buf, 0, buf.length);
    }

    /** Writes {@code buf} (one assembled block) at {@code offset}. */
    static void store(byte[] buf, MemorySegment s, long offset) {
        MemorySegment.copy(buf, 0, s, ValueLayout.JAVA_BYTE, offset, buf.length);
    }

    /** Little-endian half at {@code buf[at..at+2)}, widened to float. */
    static float half(byte[] buf, int at) {
        return Float.float16ToFloat((short) ((buf[at] & 0xFF) | (buf[at + 1] << 8)));
    }

    /** Stores {@code value} as a little-endian half at {@code buf[at..at+2)}. */
    static void putHalf(byte[] buf, int at, float value) {
        short h = Float.floatToFloat16(value);
        buf[at] = (byte) h;
        buf[at + 1] = (byte) (h >> 8);
    }

    /** Little-endian f32 at {@code buf[at..at+4)}. */
    static float f32(byte[] buf, int at) {
        return Float.intBitsToFloat((buf[at] & 0xFF) | (buf[at + 1] & 0xFF) << 8 | (buf[at + 2] & 0xFF) << 16
                | buf[at + 3] << 24);
    }

    /** Little-endian i16 at {@code buf[at..at+2)}. */
    static int i16(byte[] buf, int at) {
        return (short) ((buf[at] & 0xFF) | (buf[at + 1] << 8));
    }

    static void checkBlocks(int numElements, int blockSize, String type) {
        if (numElements < 0 || numElements % blockSize != 0) {
            throw new IllegalArgumentException(
                    numElements + " elements is not a whole number of " + type + " blocks of " + blockSize);
        }
    }
}
