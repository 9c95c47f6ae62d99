package dev.quanta.kernels.quant;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Seeded inputs and small helpers shared by the format tests. */
final class QuantTestData {

    /** The 13 weight types the engine computes with. */
    static final GgmlType[] WEIGHT_TYPES = {
        GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
        GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K
    };

    private QuantTestData() {}

    /** {@code n} normal values with standard deviation {@code std}, from {@code seed}. */
    static float[] gaussian(long seed, int n, double std) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextGaussian() * std);
        }
        return x;
    }

    /** Quantizes {@code x} to {@code type} into a new segment of {@code arena}. */
    static MemorySegment quantize(Arena arena, GgmlType type, float[] x) {
        MemorySegment out = arena.allocate(type.byteSize(x.length));
        Quantize.row(type, x, 0, out, 0, x.length);
        return out;
    }

    /** Round trip through {@code type}. */
    static float[] roundTrip(Arena arena, GgmlType type, float[] x) {
        return Dequantize.row(type, quantize(arena, type, x), 0, x.length);
    }

    /** sqrt(Σ(a-b)² / Σa²). */
    static double relativeRmse(float[] reference, float[] actual) {
        double err = 0;
        double norm = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = (double) reference[i] - actual[i];
            err += d * d;
            norm += (double) reference[i] * reference[i];
        }
        return Math.sqrt(err / norm);
    }

    /** A segment holding {@code bytes} (little-endian block images written by hand). */
    static MemorySegment bytes(Arena arena, int... bytes) {
        MemorySegment s = arena.allocate(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) bytes[i]);
        }
        return s;
    }
}
