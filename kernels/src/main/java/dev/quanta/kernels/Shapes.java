package dev.quanta.kernels;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/** Argument checks shared by the {@link KernelOps} implementations; each failure names the offending argument. */
final class Shapes {

    private Shapes() {}

    static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }

    static void nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    /** Checks that {@code segment} holds at least {@code bytes} bytes. */
    static void fits(String name, MemorySegment segment, long bytes) {
        if (segment == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (segment.byteSize() < bytes) {
            throw new IllegalArgumentException(
                    name + " holds " + segment.byteSize() + " bytes, needs " + bytes);
        }
    }

    /** f32 element count → bytes, checking {@code segment} holds them. */
    static void fitsF32(String name, MemorySegment segment, long elements) {
        fits(name, segment, Math.multiplyExact(elements, 4L));
    }

    static void matmulWeights(GgmlType wType, int cols) {
        if (!isMatmulType(wType)) {
            throw new IllegalArgumentException("matmul does not support weight type " + wType);
        }
        if (cols <= 0 || cols % wType.blockSize() != 0) {
            throw new IllegalArgumentException(
                    "cols " + cols + " must be a positive multiple of " + wType + "'s block size " + wType.blockSize());
        }
    }

    static boolean isMatmulType(GgmlType t) {
        return t != null && t.isComputeSupported();
    }

    static void kvType(GgmlType kvType) {
        if (kvType != GgmlType.F16 && kvType != GgmlType.F32) {
            throw new IllegalArgumentException("KV cache type must be F16 or F32, got " + kvType);
        }
    }

    static void attention(int numQueries, int numHeads, int numKvHeads, int headDim, int blockSize,
            int maxBlocksPerSeq) {
        positive("numQueries", numQueries);
        positive("numHeads", numHeads);
        positive("numKvHeads", numKvHeads);
        positive("headDim", headDim);
        positive("blockSize", blockSize);
        positive("maxBlocksPerSeq", maxBlocksPerSeq);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    "numHeads " + numHeads + " is not a multiple of numKvHeads " + numKvHeads);
        }
    }

    /** KernelOps.rope's contract. */
    static void rope(MemorySegment x, MemorySegment cosSin, int numTokens, int numHeads, int headDim,
            int ropeDim) {
        positive("numTokens", numTokens);
        positive("numHeads", numHeads);
        positive("headDim", headDim);
        if (ropeDim <= 0 || ropeDim > headDim || ropeDim % 2 != 0) {
            throw new IllegalArgumentException("ropeDim " + ropeDim + " must be even and in 2.." + headDim);
        }
        fitsF32("x", x, (long) numTokens * numHeads * headDim);
        fitsF32("cosSin", cosSin, (long) numTokens * ropeDim);
    }

    /** KernelOps.matmul's contract; returns the size of one weight row in bytes. */
    static long matmul(GgmlType wType, MemorySegment w, int rows, int cols, MemorySegment x, MemorySegment out,
            int numTokens) {
        matmulWeights(wType, cols);
        positive("rows", rows);
        positive("numTokens", numTokens);
        long rowBytes = wType.byteSize(cols);
        fits("w", w, rowBytes * rows);
        fitsF32("x", x, (long) numTokens * cols);
        fitsF32("out", out, (long) numTokens * rows);
        return rowBytes;
    }

    /** KernelOps.rmsNorm's contract. */
    static void rmsNorm(MemorySegment out, MemorySegment x, MemorySegment weight, int dim, int numTokens) {
        positive("dim", dim);
        positive("numTokens", numTokens);
        fitsF32("x", x, (long) numTokens * dim);
        fitsF32("out", out, (long) numTokens * dim);
        if (weight != null) {
            fitsF32("weight", weight, dim);
        }
    }

    /** KernelOps.swiglu's contract. */
    static void swiglu(MemorySegment gate, MemorySegment up, int rows, int n) {
        positive("rows", rows);
        positive("n", n);
        fitsF32("gate", gate, (long) rows * n);
        fitsF32("up", up, (long) rows * n);
    }

    /** KernelOps.add's contract. */
    static void add(MemorySegment x, MemorySegment y, long n) {
        positive("n", n);
        fitsF32("x", x, n);
        fitsF32("y", y, n);
    }

    /**
     * Checks what attention will follow: for each query t, {@code 0 <= seqIndex[t] < numSeqs}, {@code 1 <= seqLens[t]
     * <= maxBlocksPerSeq * blockSize}, and the first {@code ceil(seqLens[t] / blockSize)} ids of its sequence's
     * block-table row lie in {@code [0, cacheBlocks)}. A sequence's queries usually follow one another with growing
     * lengths, so each checks only the blocks the one before it did not.
     */
    static void attentionIndex(MemorySegment blockTables, int numSeqs, int maxBlocksPerSeq, MemorySegment seqIndex,
            MemorySegment seqLens, int numQueries, int blockSize, long cacheBlocks) {
        positive("numSeqs", numSeqs);
        fits("blockTables", blockTables, 4L * numSeqs * maxBlocksPerSeq);
        fits("seqIndex", seqIndex, 4L * numQueries);
        fits("seqLens", seqLens, 4L * numQueries);
        int lastSeq = -1;
        int checked = 0; // blocks of lastSeq's row already checked
        for (int t = 0; t < numQueries; t++) {
            int s = seqIndex.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, t);
            if (s < 0 || s >= numSeqs) {
                throw new IllegalArgumentException("seqIndex[" + t + "] = " + s + " is outside 0.." + (numSeqs - 1));
            }
            int len = seqLens.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, t);
            if (len < 1 || len > (long) maxBlocksPerSeq * blockSize) {
                throw new IllegalArgumentException("seqLens[" + t + "] = " + len + " is outside 1.."
                        + (long) maxBlocksPerSeq * blockSize);
            }
            if (s != lastSeq) {
                lastSeq = s;
                checked = 0;
            }
            int used = (len + blockSize - 1) / blockSize;
            for (int b = checked; b < used; b++) {
                int id = blockTables.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED,
                        (long) s * maxBlocksPerSeq + b);
                if (id < 0 || id >= cacheBlocks) {
                    throw new IllegalArgumentException("blockTables[" + s + "][" + b + "] = " + id
                            + " is outside the KV cache's " + cacheBlocks + " blocks");
                }
            }
            checked = Math.max(checked, used);
        }
    }
}
