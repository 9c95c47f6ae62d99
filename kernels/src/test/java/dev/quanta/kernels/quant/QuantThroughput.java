package dev.quanta.kernels.quant;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * Prints the single-thread throughput of the Java reference (quantize, dequantize, dot) per type, in millions of
 * elements per second, on 1 M seeded N(0, 0.02²) values after a warm-up. A figure printer, not a test:
 * <pre>
 * ./mvnw -q -pl kernels -am test-compile
 * java -cp kernels/target/test-classes:kernels/target/classes:gguf/target/classes \
 *     dev.quanta.kernels.quant.QuantThroughput [TYPE ...]
 * </pre>
 */
public final class QuantThroughput {

    private QuantThroughput() {}

    public static void main(String[] args) {
        int n = 1 << 20;
        float[] x = QuantTestData.gaussian(1, n, 0.02);
        float[] y = new float[n];
        String[] names = args.length > 0 ? args
                : java.util.Arrays.stream(QuantTestData.WEIGHT_TYPES).map(Enum::name).toArray(String[]::new);
        try (Arena arena = Arena.ofConfined()) {
            for (String name : names) {
                GgmlType type = GgmlType.valueOf(name.toUpperCase(Locale.ROOT));
                MemorySegment w = arena.allocate(type.byteSize(n));
                GgmlType actType = VecDot.activationType(type);
                MemorySegment act = QuantTestData.quantize(arena, actType, x);
                double q = seconds(() -> Quantize.row(type, x, 0, w, 0, n), 2, 3);
                double d = seconds(() -> Dequantize.row(type, w, 0, y, 0, n), 20, 10);
                float[] sink = new float[1];
                double v = seconds(() -> sink[0] += VecDot.dot(type, w, 0, act, 0, n), 20, 10);
                System.out.printf(Locale.ROOT, "%-5s quantize %7.1f  dequantize %7.1f  dot(%s) %7.1f  M elements/s%n",
                        type, n / q / 1e6, n / d / 1e6, actType, n / v / 1e6);
            }
        }
    }

    private static double seconds(Runnable r, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            r.run();
        }
        return (System.nanoTime() - t0) / 1e9 / reps;
    }
}
