package dev.quanta.kernels.bench;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * JMH: the decode step's paged attention at 8 streams, one layer per operation: {@code seqs} queries, each attending
 * to {@code seqLen} positions of its own sequence (smol-135m's shape by default: 9 heads, 3 KV heads of 64, an f16
 * cache, 16-token blocks). The {@code layers} layers' caches are cycled, as a forward pass does, and each sequence's
 * blocks are drawn at random from a pool of {@code poolBlocks}, as a long-running server's free queue leaves them;
 * with {@code layers=1} the rows stay in the core's caches. ns per KV group and position = time per op /
 * (seqs x kvHeads x seqLen). Run as {@link MatmulBenchmark} says, e.g. {@code org.openjdk.jmh.Main
 * AttentionBenchmark -p layers=1,30}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class AttentionBenchmark {

    @Param({"160"})
    public int seqLen;

    @Param({"1", "30"})
    public int layers;

    @Param({"8"})
    public int seqs;

    @Param({"9"})
    public int heads;

    @Param({"3"})
    public int kvHeads;

    @Param({"64"})
    public int headDim;

    @Param({"2"})
    public int threads;

    /** Cache blocks per layer (16 positions each). */
    @Param({"4096"})
    public int poolBlocks;

    private static final int BLOCK = 16;

    private Arena arena;
    private KernelOps ops;
    private MemorySegment[] keys; // per layer: f16 [poolBlocks][BLOCK][kvHeads][headDim]
    private MemorySegment[] values;
    private MemorySegment q;      // f32 [seqs][heads][headDim]
    private MemorySegment out;    // f32 [seqs][heads][headDim]
    private MemorySegment tables; // i32 [seqs][maxBlocks]
    private MemorySegment seqIndex;
    private MemorySegment lens;
    private int maxBlocks;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ops = Kernels.create(KernelConfig.withThreads(threads));
        arena = Arena.ofShared();
        Random rnd = new Random(1);
        maxBlocks = (seqLen + BLOCK - 1) / BLOCK;
        if (seqs * maxBlocks > poolBlocks) {
            throw new IllegalArgumentException("poolBlocks " + poolBlocks + " < " + seqs * maxBlocks + " needed");
        }
        long elems = (long) poolBlocks * BLOCK * kvHeads * headDim;
        keys = new MemorySegment[layers];
        values = new MemorySegment[layers];
        for (int l = 0; l < layers; l++) {
            keys[l] = halves(rnd, elems, 0.2f);
            values[l] = halves(rnd, elems, 1f);
        }
        List<Integer> ids = new ArrayList<>();
        for (int b = 0; b < poolBlocks; b++) {
            ids.add(b);
        }
        Collections.shuffle(ids, rnd);
        tables = arena.allocate(4L * seqs * maxBlocks, 64);
        seqIndex = arena.allocate(4L * seqs, 64);
        lens = arena.allocate(4L * seqs, 64);
        for (int s = 0; s < seqs; s++) {
            for (int b = 0; b < maxBlocks; b++) {
                tables.setAtIndex(ValueLayout.JAVA_INT, (long) s * maxBlocks + b, ids.get(s * maxBlocks + b));
            }
            seqIndex.setAtIndex(ValueLayout.JAVA_INT, s, s);
            lens.setAtIndex(ValueLayout.JAVA_INT, s, seqLen);
        }
        q = arena.allocate(4L * seqs * heads * headDim, 64);
        for (long i = 0; i < (long) seqs * heads * headDim; i++) {
            q.setAtIndex(ValueLayout.JAVA_FLOAT, i, rnd.nextFloat() * 2 - 1);
        }
        out = arena.allocate(4L * seqs * heads * headDim, 64);
    }

    private MemorySegment halves(Random rnd, long n, float amplitude) {
        MemorySegment s = arena.allocate(2 * n, 64);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(ValueLayout.JAVA_SHORT, i, Float.floatToFloat16((rnd.nextFloat() * 2 - 1) * amplitude));
        }
        return s;
    }

    @Benchmark
    public MemorySegment attention() {
        int l = next;
        next = next + 1 == layers ? 0 : next + 1;
        ops.attention(out, q, seqs, heads, kvHeads, headDim, keys[l], values[l], GgmlType.F16, BLOCK, tables, seqs,
                maxBlocks, seqIndex, lens, (float) (1 / Math.sqrt(headDim)));
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ops.close();
        arena.close();
    }
}
