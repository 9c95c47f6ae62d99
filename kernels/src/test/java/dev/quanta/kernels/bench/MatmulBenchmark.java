package dev.quanta.kernels.bench;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one {@code rows x cols} matmul (default 2048 x 8192) per operation. GB/s of weights = weight bytes / time
 * per op ({@link KernelBench} prints that directly). Several copies of the matrix are cycled so the weights come
 * from DRAM. {@code packed=true}: the copies packed as the engine packs them at load ({@link KernelOps#packedLayout},
 * where there is a layout) and multiplied with {@link KernelOps#matmulPacked}. Run with, from {@code /work/main}:
 * <pre>
 * ./mvnw -B -q -pl kernels test-compile
 * java --enable-native-access=ALL-UNNAMED -cp "kernels/target/test-classes:kernels/target/classes:$(cat cp.txt)" \
 *     org.openjdk.jmh.Main MatmulBenchmark
 * </pre>
 * (with {@code cp.txt} from {@code ./mvnw -pl kernels dependency:build-classpath -Dmdep.outputFile=../cp.txt
 * -Dmdep.includeScope=test}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class MatmulBenchmark {

    @Param({"Q4_0", "Q8_0", "Q4_K", "Q6_K", "F16"})
    public String type;

    @Param({"1", "8"})
    public int tokens;

    @Param({"2"})
    public int threads;

    @Param({"false"})
    public boolean packed;

    @Param({"2048"})
    public int rows;

    @Param({"8192"})
    public int cols;

    private Arena arena;
    private KernelOps ops;
    private GgmlType wType;
    private MemorySegment[] weights;
    private MemorySegment x;
    private MemorySegment out;
    private int layout; // packed layout of the copies, 0: the file's
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        wType = GgmlType.valueOf(type);
        ops = Kernels.create(KernelConfig.withThreads(threads));
        arena = Arena.ofShared();
        long bytes = wType.byteSize((long) rows * cols);
        int copies = (int) Math.min(64, Math.max(1, (256L << 20) / bytes));
        weights = new MemorySegment[copies];
        Random rnd = new Random(1);
        layout = packed ? ops.packedLayout(wType, rows, cols) : 0;
        for (int c = 0; c < copies; c++) {
            weights[c] = KernelBench.randomWeights(arena, rnd, wType, bytes);
            if (layout != 0) {
                MemorySegment p = arena.allocate(ops.packedBytes(layout, wType, rows, cols), 64);
                ops.pack(layout, wType, weights[c], rows, cols, p);
                weights[c] = p;
            }
        }
        x = arena.allocate(4L * tokens * cols, 64);
        for (long i = 0; i < (long) tokens * cols; i++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, rnd.nextFloat() - 0.5f);
        }
        out = arena.allocate(4L * tokens * rows, 64);
    }

    @Benchmark
    public MemorySegment matmul() {
        MemorySegment w = weights[next];
        next = next + 1 == weights.length ? 0 : next + 1;
        if (layout != 0) {
            ops.matmulPacked(layout, wType, w, rows, cols, x, out, tokens);
        } else {
            ops.matmul(wType, w, rows, cols, x, out, tokens);
        }
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ops.close();
        arena.close();
    }
}
