package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.quant.FloatBits;
import dev.quanta.kernels.quant.Quantize;
import dev.quanta.kernels.quant.VecDot;
import java.lang.foreign.MemorySegment;

/**
 * The reference {@link KernelOps}: plain scalar Java on the caller thread, obviously correct rather than fast.
 * Quantized matmuls go through {@code dev.quanta.kernels.quant} (bit-exact with ggml): each token's activations are
 * quantized with {@link Quantize#activationRow} to {@link VecDot#activationType} and dotted with
 * {@link VecDot#dot}; float weights are dotted with the f32 activations in double precision. Also the fallback
 * when the C library cannot load.
 */
public final class JavaKernelOps implements KernelOps {

    private final Isa arithmetic;
    private final GgmlElementwise elementwise; // the element-wise steps' reference, with its row scratch
    private final FlashAttention flash;
    private byte[] actScratch = new byte[0]; // one token's quantized activations
    private float[] rowScratch = new float[0]; // one token's f32 activations

    /** The reference in ggml's generic order (attention in AVX2's summation shape, as the scalar C kernels). */
    public JavaKernelOps() {
        this(Isa.SCALAR);
    }

    /**
     * The reference, with the summation shapes llama.cpp uses on {@code arithmetic} where the native kernels follow
     * them (attention: AVX-512's 16-lane shape; otherwise AVX2's); the tests compare each ISA's kernels with it.
     */
    public JavaKernelOps(Isa arithmetic) {
        this.arithmetic = arithmetic;
        this.flash = new FlashAttention(arithmetic == Isa.AVX512);
        this.elementwise = new GgmlElementwise(arithmetic);
    }

    @Override
    public Isa arithmetic() {
        return arithmetic;
    }

    @Override
    public String description() {
        return "java reference, 1 thread";
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public void forEach(int items, ItemTask task) {
        Shapes.nonNegative("items", items);
        for (int i = 0; i < items; i++) {
            task.run(0, i);
        }
    }

    @Override
    public void matmul(GgmlType wType, MemorySegment w, int rows, int cols, MemorySegment x, MemorySegment out,
            int numTokens) {
        long rowBytes = Shapes.matmul(wType, w, rows, cols, x, out, numTokens);
        if (rowScratch.length < cols) {
            rowScratch = new float[cols];
        }
        for (int t = 0; t < numTokens; t++) {
            MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, (long) t * cols * 4, rowScratch, 0, cols);
            switch (wType) {
                case F32, F16, BF16 -> {
                    for (int r = 0; r < rows; r++) {
                        out.setAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * rows + r,
                                floatDot(wType, w, r * rowBytes, rowScratch, cols));
                    }
                }
                default -> {
                    GgmlType act = VecDot.activationType(wType);
                    int actBytes = (int) act.byteSize(cols);
                    if (actScratch.length < actBytes) {
                        actScratch = new byte[actBytes];
                    }
                    MemorySegment a = MemorySegment.ofArray(actScratch);
                    Quantize.activationRow(act, rowScratch, 0, a, 0, cols);
                    for (int r = 0; r < rows; r++) {
                        out.setAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * rows + r,
                                VecDot.dot(wType, w, r * rowBytes, a, 0, cols));
                    }
                }
            }
        }
    }

    /** One row of a float-typed weight matrix (starting at byte {@code off}) dotted with {@code x[0..n)}. */
    static float floatDot(GgmlType type, MemorySegment w, long off, float[] x, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) weight(type, w, off, i) * x[i];
        }
        return (float) sum;
    }

    private static float weight(GgmlType type, MemorySegment w, long off, int i) {
        return switch (type) {
            case F32 -> w.get(JAVA_FLOAT_UNALIGNED, off + 4L * i);
            case F16 -> FloatBits.halfToFloat(w.get(JAVA_SHORT_UNALIGNED, off + 2L * i));
            case BF16 -> FloatBits.bf16ToFloat(w.get(JAVA_SHORT_UNALIGNED, off + 2L * i));
            default -> throw new IllegalArgumentException("not a float type: " + type);
        };
    }

    @Override
    public void rmsNorm(MemorySegment out, MemorySegment x, MemorySegment weight, int dim, int numTokens, float eps) {
        Shapes.rmsNorm(out, x, weight, dim, numTokens);
        elementwise.rmsNorm(out, x, weight, dim, numTokens, eps);
    }

    @Override
    public void rope(MemorySegment x, MemorySegment cosSin, int numTokens, int numHeads, int headDim, int ropeDim,
            boolean neox) {
        Shapes.rope(x, cosSin, numTokens, numHeads, headDim, ropeDim);
        elementwise.rope(x, cosSin, numTokens, numHeads, headDim, ropeDim, neox);
    }

    @Override
    public void swiglu(MemorySegment gate, MemorySegment up, int rows, int n) {
        Shapes.swiglu(gate, up, rows, n);
        elementwise.swiglu(gate, up, rows, n);
    }

    @Override
    public void add(MemorySegment x, MemorySegment y, long n) {
        Shapes.add(x, y, n);
        elementwise.add(x, y, n);
    }

    @Override
    public void attention(MemorySegment out, MemorySegment q, int numQueries, int numHeads, int numKvHeads,
            int headDim, MemorySegment keyCache, MemorySegment valueCache, GgmlType kvType, int blockSize,
            MemorySegment blockTables, int numSeqs, int maxBlocksPerSeq, MemorySegment seqIndex, MemorySegment seqLens,
            float scale) {
        Shapes.attention(numQueries, numHeads, numKvHeads, headDim, blockSize, maxBlocksPerSeq);
        Shapes.kvType(kvType);
        long qElems = (long) numQueries * numHeads * headDim;
        Shapes.fitsF32("q", q, qElems);
        Shapes.fitsF32("out", out, qElems);
        int esize = kvType == GgmlType.F16 ? 2 : 4;
        long slotBytes = (long) numKvHeads * headDim * esize; // one position, all kv heads
        long blockBytes = slotBytes * blockSize;
        Shapes.attentionIndex(blockTables, numSeqs, maxBlocksPerSeq, seqIndex, seqLens, numQueries, blockSize,
                Math.min(keyCache.byteSize(), valueCache.byteSize()) / blockBytes);
        int group = numHeads / numKvHeads;
        if (headDim > 1024) {
            throw new IllegalArgumentException("headDim " + headDim + " exceeds the limit of 1024");
        }
        for (int t = 0; t < numQueries; t++) {
            int len = seqLens.getAtIndex(JAVA_INT_UNALIGNED, t);
            long row = (long) seqIndex.getAtIndex(JAVA_INT_UNALIGNED, t) * maxBlocksPerSeq;
            for (int h = 0; h < numHeads; h++) {
                long[] posOffset = new long[len]; // byte offset of position p, this head's KV head, in the caches
                long headOff = (long) (h / group) * headDim * esize;
                for (int p = 0; p < len; p++) {
                    int block = blockTables.getAtIndex(JAVA_INT_UNALIGNED, row + p / blockSize);
                    long off = block * blockBytes + (p % blockSize) * slotBytes;
                    if (block < 0 || off + slotBytes > Math.min(keyCache.byteSize(), valueCache.byteSize())) {
                        throw new IllegalArgumentException("blockTables[" + row / maxBlocksPerSeq + "] names block " + block
                                + " outside the KV cache");
                    }
                    posOffset[p] = off + headOff;
                }
                long qBase = ((long) t * numHeads + h) * headDim;
                flash.attend(q, qBase, headDim, keyCache, valueCache, posOffset, len, kvType == GgmlType.F16, scale,
                        out, qBase);
            }
        }
    }

    @Override
    public void close() {
        // nothing to release
    }
}
