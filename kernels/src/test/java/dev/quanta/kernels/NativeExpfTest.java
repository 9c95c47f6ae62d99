package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code llmk_expf} on AVX2 and AVX-512 (the attention kernels' softmax weights, 8 or 16 lanes by the C library's own
 * steps) on every such level this CPU has, against
 * the C library's {@code expf} called per element (its scalar level; the Java reference calls the same function,
 * {@link CMath#expf}): bit for bit on every float the attention passes (all of [-104, 0], where the results run
 * from 1 down through the subnormals to 0), on a sweep of the whole float range, on the special cases and around
 * each of the library's thresholds, and for every tail length.
 */
class NativeExpfTest {

    private static MethodHandle expf;

    @BeforeAll
    static void link() {
        assertThat(NativeLibrary.failure()).as("native library load failure").isEmpty();
        MemorySegment symbol = SymbolLookup.libraryLookup(NativeLibrary.location(), Arena.global()).find("llmk_expf")
                .orElseThrow();
        expf = Linker.nativeLinker().downcallHandle(symbol,
                FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    }

    private static void expf(Isa isa, MemorySegment x, MemorySegment y, long n) throws Throwable {
        expf.invokeExact(isa.level(), x, y, n);
    }

    /** Bit patterns {@code from, from + step, ...} (as unsigned ints) while not past {@code to}, in chunks. */
    private static void assertSameBitsAsTheLibrary(long from, long to, long step) throws Throwable {
        assumeTrue(!vectorIsas().isEmpty(), "no AVX2 on this CPU");
        int chunk = 1 << 22;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(4L * chunk, 64);
            MemorySegment fast = arena.allocate(4L * chunk, 64);
            MemorySegment slow = arena.allocate(4L * chunk, 64);
            for (long bits = from; bits <= to; ) {
                int n = 0;
                for (; n < chunk && bits <= to; n++, bits += step) {
                    x.setAtIndex(JAVA_INT, n, (int) bits);
                }
                expf(Isa.SCALAR, x, slow, n);
                for (Isa isa : vectorIsas()) {
                    expf(isa, x, fast, n);
                    long at = fast.asSlice(0, 4L * n).mismatch(slow.asSlice(0, 4L * n));
                    if (at >= 0) {
                        float arg = x.getAtIndex(JAVA_FLOAT, at / 4);
                        throw new AssertionError("expf(" + arg + " = 0x"
                                + Integer.toHexString(Float.floatToRawIntBits(arg)) + "): " + isa + " "
                                + fast.getAtIndex(JAVA_FLOAT, at / 4) + ", C library "
                                + slow.getAtIndex(JAVA_FLOAT, at / 4));
                    }
                }
            }
        }
    }

    @Test
    void everyFloatFromMinus104ToZeroGivesTheLibrarysBits() throws Throwable {
        assertSameBitsAsTheLibrary(Integer.toUnsignedLong(Float.floatToRawIntBits(-0.0f)),
                Integer.toUnsignedLong(Float.floatToRawIntBits(-104.0f)), 1);
    }

    @Test
    void aSweepOfTheWholeFloatRangeGivesTheLibrarysBits() throws Throwable {
        assertSameBitsAsTheLibrary(0, 0xFFFF_FFFFL, 4099); // positives, negatives, infinities, NaNs
    }

    @Test
    void specialValuesThresholdsAndEveryTailLengthGiveTheLibrarysBits() throws Throwable {
        assumeTrue(!vectorIsas().isEmpty(), "no AVX2 on this CPU");
        float[] thresholds = {-0x1.9fe368p6f, -0x1.9d1d9ep6f, -88.0f, 88.0f, 0x1.62e42ep6f, -87.33655f, 0.0f};
        float[] values = new float[thresholds.length * 9 + 6];
        int k = 0;
        for (float t : thresholds) {
            for (int d = -4; d <= 4; d++) {
                values[k++] = Float.intBitsToFloat(Float.floatToRawIntBits(t) + d);
            }
        }
        for (float v : new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -0.0f,
                Float.MIN_VALUE, -Float.MAX_VALUE}) {
            values[k++] = v;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocateFrom(JAVA_FLOAT, values);
            MemorySegment fast = arena.allocate(4L * values.length + 64, 64);
            MemorySegment slow = arena.allocate(4L * values.length, 64);
            for (Isa isa : vectorIsas()) {
                for (int n = 0; n <= values.length; n++) { // whole vectors and every tail
                    fast.fill((byte) 0x7F);
                    expf(isa, x, fast, n);
                    expf(Isa.SCALAR, x, slow, n);
                    for (int i = 0; i < n; i++) {
                        assertThat(Float.floatToRawIntBits(fast.getAtIndex(JAVA_FLOAT, i)))
                                .as("%s expf(%s), %d elements", isa, values[i], n)
                                .isEqualTo(Float.floatToRawIntBits(slow.getAtIndex(JAVA_FLOAT, i)));
                    }
                    assertThat(fast.get(JAVA_INT, 4L * n)).as("%s: nothing written past n = %d", isa, n)
                            .isEqualTo(0x7F7F7F7F);
                }
            }
        }
    }

    /** The vector levels of llmk_expf this CPU runs: AVX2 and AVX-512, where present. */
    private static java.util.List<Isa> vectorIsas() {
        return NativeSupport.isas().stream().filter(i -> i.level() >= Isa.AVX2.level()).toList();
    }
}
