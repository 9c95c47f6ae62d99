package dev.quanta.kernels;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * {@link KernelOps} on the C library ({@code kernels/native}) through FFM downcalls.
 *
 * <p>A matmul quantizes the activations ({@link ActivationQuantizer}) into scratch owned by this instance, then every
 * thread of the {@link WorkerPool} claims chunks of rows from a shared counter and calls {@code llmk_matmul} on its
 * range. Attention is split the same way over (query, KV head) items, and the element-wise steps over tokens (rows,
 * elements) once they are large enough to pay for the dispatch. All segments must be native (off-heap).
 *
 * <p>Not thread-safe: one caller at a time (see {@link KernelOps}).
 */
public final class NativeKernelOps implements KernelOps {

    /** Below this many weight bytes × tokens a matmul runs on the caller alone (dispatch would cost more). */
    private static final long PARALLEL_MIN_WORK = 64 * 1024;


    private final Isa isa;
    private final int level;
    private final WorkerPool pool;
    private final ItemLoop itemLoop = new ItemLoop(); // forEach's task, reused so dispatch allocates nothing
    private final ActivationQuantizer quantizer;
    private boolean closed;

    private final ChunkedRange chunks = new ChunkedRange(); // the chunk counter every parallel op below shares

    // The current matmul (written by the caller before pool.run, read by workers after the volatile dispatch).
    private int mmType;
    private long mmW; // address
    private long mmX; // address
    private long mmOut; // address
    private long mmRows;
    private long mmCols;
    private int mmTokens;
    private final ChunkedRange.Range matmulRange = this::matmulRange;




    private final boolean repack; // whether packedLayout offers packed layouts
    private final NativeElementwise elementwise; // rmsNorm, rope, swiglu, add on the pool
    private final NativeAttention attention; // paged attention on the pool

    private NativeKernelOps(int threads, Isa isa, boolean repack) {
        this.repack = repack;
        this.isa = isa;
        this.level = isa.level();
        this.pool = new WorkerPool(threads, "quanta-kernel");
        this.quantizer = new ActivationQuantizer(pool, level);
        this.elementwise = new NativeElementwise(pool, chunks, level);
        this.attention = new NativeAttention(pool, chunks, level);
    }

    /**
     * Native kernels at the best ISA allowed by {@code config} and {@code QUANTA_KERNELS_ISA}.
     *
     * @throws IllegalStateException when the library did not load
     */
    public static NativeKernelOps create(KernelConfig config) {
        NativeLibrary.requireAvailable();
        Isa def = NativeLibrary.defaultIsa();
        Isa chosen = config.isaCap().level() < def.level() ? config.isaCap() : def;
        return new NativeKernelOps(config.threads(), chosen, config.repack());
    }

    /**
     * Native kernels at exactly {@code isa} (ignoring {@code QUANTA_KERNELS_ISA}); tests use this to run every
     * path the CPU has.
     *
     * @throws IllegalArgumentException when the CPU lacks {@code isa}
     */
    public static NativeKernelOps withIsa(int threads, Isa isa) {
        NativeLibrary.requireAvailable();
        if (isa.level() > NativeLibrary.cpuIsa().level()) {
            throw new IllegalArgumentException("this CPU does not support " + isa.label());
        }
        return new NativeKernelOps(threads, isa, true);
    }

    /** Whether the native library loaded in this JVM. */
    public static boolean isAvailable() {
        return NativeLibrary.isAvailable();
    }

    /** The best ISA this CPU runs (empty when the library is unavailable). */
    public static java.util.Optional<Isa> cpuIsa() {
        return isAvailable() ? java.util.Optional.of(NativeLibrary.cpuIsa()) : java.util.Optional.empty();
    }

    /** The instruction set this instance's kernels use. */
    public Isa isa() {
        return isa;
    }

    @Override
    public Isa arithmetic() {
        return Isa.ofLevel(level);
    }

    @Override
    public String description() {
        int features = NativeLibrary.cpuFeatures();
        String vnni = isa == Isa.AVX512 && (features & 4) != 0 ? "+vnni" : "";
        String amx = isa == Isa.AVX512 && (features & 8) != 0 ? "+amx" : "";
        return "native " + isa.label() + vnni + amx + ", " + pool.size() + (pool.size() == 1 ? " thread" : " threads");
    }

    @Override
    public int threads() {
        return pool.size();
    }

    @Override
    public void forEach(int items, ItemTask task) {
        checkOpen();
        Shapes.nonNegative("items", items);
        if (pool.size() == 1 || items <= 1) {
            for (int i = 0; i < items; i++) {
                task.run(0, i);
            }
            return;
        }
        itemLoop.prepare(items, task);
        try {
            pool.run(itemLoop);
        } finally {
            itemLoop.prepare(0, null);
        }
    }

    // ---------------------------------------------------------------- matmul

    @Override
    public void matmul(GgmlType wType, MemorySegment w, int rows, int cols, MemorySegment x, MemorySegment out,
            int numTokens) {
        runMatmul(wType.id(), wType, w, rows, cols, x, out, numTokens);
    }

    @Override
    public int packedLayout(GgmlType wType, int rows, int cols) {
        if (!repack) {
            return 0;
        }
        try {
            int id = (int) NativeLibrary.PACKED_TYPE.invokeExact(level, wType.id(), (long) rows, (long) cols);
            return Math.max(id, 0);
        } catch (Throwable e) {
            throw new IllegalStateException("llmk_packed_type failed", e);
        }
    }

    @Override
    public long packedBytes(int layout, GgmlType wType, int rows, int cols) {
        requireLayout(layout, wType, rows, cols);
        try {
            return (long) NativeLibrary.PACKED_BYTES.invokeExact(layout, (long) rows, (long) cols);
        } catch (Throwable e) {
            throw new IllegalStateException("llmk_packed_bytes failed", e);
        }
    }

    @Override
    public void pack(int layout, GgmlType wType, MemorySegment w, int rows, int cols, MemorySegment dst) {
        checkOpen();
        requireLayout(layout, wType, rows, cols);
        long bytes = (long) rows * wType.byteSize(cols);
        long packedBytes = packedBytes(layout, wType, rows, cols);
        if (w.byteSize() < bytes || dst.byteSize() < packedBytes) {
            throw new IllegalArgumentException("pack: w holds " + w.byteSize() + " bytes and dst " + dst.byteSize()
                    + ", need " + bytes + " and " + packedBytes);
        }
        requireNative("w", w);
        requireNative("dst", dst);
        int rc;
        try {
            rc = (int) NativeLibrary.PACK.invokeExact(level, wType.id(), w, (long) rows, (long) cols, dst);
        } catch (Throwable e) {
            throw new IllegalStateException("llmk_pack failed", e);
        }
        if (rc != 0) {
            throw new IllegalStateException("llmk_pack rejected " + wType + " " + rows + "x" + cols);
        }
    }

    @Override
    public void matmulPacked(int layout, GgmlType wType, MemorySegment packed, int rows, int cols, MemorySegment x,
            MemorySegment out, int numTokens) {
        requireLayout(layout, wType, rows, cols);
        runMatmul(layout, wType, packed, rows, cols, x, out, numTokens);
    }

    private void requireLayout(int layout, GgmlType wType, int rows, int cols) {
        if (layout == 0 || layout != packedLayout(wType, rows, cols)) {
            throw new IllegalArgumentException("no packed layout " + layout + " for " + wType + " " + rows + "x"
                    + cols + " on " + description());
        }
    }

    /** {@code nativeType}: the library's type id of w's layout (wType's, or a packed layout's). */
    private void runMatmul(int nativeType, GgmlType wType, MemorySegment w, int rows, int cols, MemorySegment x,
            MemorySegment out, int numTokens) {
        checkOpen();
        long rowBytes = Shapes.matmul(wType, w, rows, cols, x, out, numTokens);
        requireNative("w", w);
        requireNative("x", x);
        requireNative("out", out);
        MemorySegment act = quantizer.quantize(activationType(wType), x, cols, numTokens);
        mmType = nativeType;
        mmW = w.address();
        mmX = act.address();
        mmOut = out.address();
        mmRows = rows;
        mmCols = cols;
        mmTokens = numTokens;
        long work = rowBytes * rows * Math.min(numTokens, 8);
        if (pool.size() == 1 || work < PARALLEL_MIN_WORK) {
            matmulRange(0, rows);
        } else {
            // chunks of 16-row multiples, about 8 per thread so a slow thread does not hold up the rest; for
            // prefill-sized batches only 2 per thread, since each chunk call first derives per-call activation
            // data (scales, sums) that costs in proportion to the tokens
            int perThread = numTokens > 8 ? 2 : 8;
            int chunk = Math.max(16, (rows / (pool.size() * perThread) + 15) & ~15);
            chunks.run(pool, rows, chunk, matmulRange);
        }
    }

    private void matmulRange(long r0, long r1) {
        int rc;
        try {
            rc = (int) NativeLibrary.MATMUL.invokeExact(level, mmType, mmW, mmRows, mmCols, mmX, mmTokens, mmOut, r0,
                    r1);
        } catch (Throwable e) {
            throw new IllegalStateException("llmk_matmul failed", e);
        }
        if (rc == -2) {
            throw new OutOfMemoryError("llmk_matmul could not allocate its activation scratch");
        } else if (rc != 0) {
            throw new IllegalStateException("llmk_matmul rejected type " + GgmlType.fromId(mmType).map(String::valueOf)
                    .orElse("id " + mmType));
        }
    }

    /** The activation format the C kernels pair with {@code wType} (F32 for float weights). */
    static GgmlType activationType(GgmlType wType) {
        return switch (wType) {
            case F32, F16, BF16 -> GgmlType.F32;
            case Q4_0, Q5_0, Q8_0, IQ4_NL -> GgmlType.Q8_0;
            case Q4_1, Q5_1 -> GgmlType.Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> GgmlType.Q8_K;
            default -> throw new IllegalArgumentException("matmul does not support weight type " + wType);
        };
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void rmsNorm(MemorySegment out, MemorySegment x, MemorySegment weight, int dim, int numTokens, float eps) {
        checkOpen();
        Shapes.rmsNorm(out, x, weight, dim, numTokens);
        requireNative("out", out);
        requireNative("x", x);
        if (weight != null) {
            requireNative("weight", weight);
        }
        elementwise.rmsNorm(out.address(), x.address(), weight == null ? 0L : weight.address(), dim, numTokens, eps);
    }

    @Override
    public void rope(MemorySegment x, MemorySegment cosSin, int numTokens, int numHeads, int headDim, int ropeDim,
            boolean neox) {
        checkOpen();
        Shapes.rope(x, cosSin, numTokens, numHeads, headDim, ropeDim);
        requireNative("x", x);
        requireNative("cosSin", cosSin);
        elementwise.rope(x.address(), cosSin.address(), numTokens, numHeads, headDim, ropeDim, neox);
    }

    @Override
    public void swiglu(MemorySegment gate, MemorySegment up, int rows, int n) {
        checkOpen();
        Shapes.swiglu(gate, up, rows, n);
        requireNative("gate", gate);
        requireNative("up", up);
        elementwise.swiglu(gate.address(), up.address(), rows, n);
    }

    @Override
    public void add(MemorySegment x, MemorySegment y, long n) {
        checkOpen();
        Shapes.add(x, y, n);
        requireNative("x", x);
        requireNative("y", y);
        elementwise.add(x.address(), y.address(), n);
    }

    @Override
    public long sumWords(MemorySegment buffer, long from, long to) {
        checkOpen();
        if (from < 0 || to < from || to * 8 > buffer.byteSize()) {
            throw new IndexOutOfBoundsException("words [" + from + ", " + to + ") of a " + buffer.byteSize()
                    + "-byte buffer");
        }
        requireNative("buffer", buffer);
        try {
            return (long) NativeLibrary.SUM_WORDS.invokeExact(level, buffer.address() + from * 8, to - from);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(MemorySegment out, MemorySegment q, int numQueries, int numHeads, int numKvHeads,
            int headDim, MemorySegment keyCache, MemorySegment valueCache, GgmlType kvType, int blockSize,
            MemorySegment blockTables, int numSeqs, int maxBlocksPerSeq, MemorySegment seqIndex, MemorySegment seqLens,
            float scale) {
        checkOpen();
        Shapes.attention(numQueries, numHeads, numKvHeads, headDim, blockSize, maxBlocksPerSeq);
        Shapes.kvType(kvType);
        if (headDim > 1024) {
            throw new IllegalArgumentException("headDim " + headDim + " exceeds the native limit of 1024");
        }
        long qElems = (long) numQueries * numHeads * headDim;
        Shapes.fitsF32("q", q, qElems);
        Shapes.fitsF32("out", out, qElems);
        requireNative("out", out);
        requireNative("q", q);
        requireNative("keyCache", keyCache);
        requireNative("valueCache", valueCache);
        requireNative("blockTables", blockTables);
        requireNative("seqIndex", seqIndex);
        requireNative("seqLens", seqLens);
        long blockBytes = (long) blockSize * numKvHeads * headDim * (kvType == GgmlType.F16 ? 2 : 4);
        long cacheBlocks = Math.min(keyCache.byteSize(), valueCache.byteSize()) / blockBytes;
        // NOTE: the C kernel trusts block ids, so every id it will follow is checked here first.
        Shapes.attentionIndex(blockTables, numSeqs, maxBlocksPerSeq, seqIndex, seqLens, numQueries, blockSize,
                cacheBlocks);
        attention.run(out.address(), q.address(), numQueries, numHeads, numKvHeads, headDim, keyCache.address(),
                valueCache.address(), kvType.id(), blockSize, blockTables.address(), maxBlocksPerSeq,
                seqIndex.address(), seqLens.address(), scale);
    }

    // ---------------------------------------------------------------- lifecycle

    private static void requireNative(String name, MemorySegment s) {
        if (!s.isNative()) {
            throw new IllegalArgumentException(name + " must be a native (off-heap) segment for the native kernels");
        }
        if (!s.scope().isAlive()) {
            throw new IllegalArgumentException(name + " belongs to a closed arena");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("kernel ops are closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.close();
        quantizer.close();
    }
}
