package dev.quanta.worker.model;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.AnonymousMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Paged key/value storage for every layer, off-heap, zero-filled (pages supplied on first touch, in transparent huge
 * pages of 2 MiB where the system gives them, see {@link AnonymousMemory}: unused blocks cost no resident memory
 * beyond the 2 MiB page each layer's keys and values round up to).
 *
 * <pre>
 * keys(layer), values(layer): [numBlocks][blockSize][numKvHeads][headDim]  F16 (default, as llama.cpp) or F32
 * </pre>
 * A sequence owns a list of blocks (its block table); the token at position {@code p} lives in block
 * {@code table[p / blockSize]}, slot {@code p % blockSize}. Which blocks a sequence gets is the caller's business
 * (the CLI gives consecutive blocks, the serving engine a block manager); the forward pass only follows tables.
 */
public final class KvCache implements AutoCloseable {

    /** Tokens per block. */
    public static final int DEFAULT_BLOCK_SIZE = 16;

    private final Arena arena;
    private final GgmlType type;
    private final int numLayers;
    private final int numBlocks;
    private final int blockSize;
    private final int numKvHeads;
    private final int headDim;
    private final MemorySegment[] keys;   // [numLayers] of [numBlocks][blockSize][numKvHeads][headDim]
    private final MemorySegment[] values; // [numLayers] of [numBlocks][blockSize][numKvHeads][headDim]

    public KvCache(ModelConfig config, int numBlocks, int blockSize, GgmlType type) {
        if (type != GgmlType.F16 && type != GgmlType.F32) {
            throw new IllegalArgumentException("KV cache type must be F16 or F32, got " + type);
        }
        if (numBlocks <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("KV cache needs positive block count and size, got " + numBlocks
                    + " x " + blockSize);
        }
        this.type = type;
        this.numLayers = config.numLayers();
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.numKvHeads = config.numKvHeads();
        this.headDim = config.headDim();
        this.arena = Arena.ofShared();
        long layerBytes = (long) numBlocks * blockSize * numKvHeads * headDim * elementBytes();
        this.keys = new MemorySegment[numLayers];
        this.values = new MemorySegment[numLayers];
        for (int l = 0; l < numLayers; l++) {
            keys[l] = AnonymousMemory.allocate(arena, layerBytes);
            values[l] = AnonymousMemory.allocate(arena, layerBytes);
        }
    }

    public GgmlType type() {
        return type;
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    public int numKvHeads() {
        return numKvHeads;
    }

    public int headDim() {
        return headDim;
    }

    /** Bytes per element: 2 for F16, 4 for F32. */
    public int elementBytes() {
        return type == GgmlType.F16 ? 2 : 4;
    }

    /** Bytes from one token's slot to the next: numKvHeads * headDim * elementBytes. */
    public long tokenStride() {
        return (long) numKvHeads * headDim * elementBytes();
    }

    /** Byte offset of (block, slot, kvHead, 0) in a layer segment. */
    public long offset(int block, int slot, int kvHead) {
        return (((long) block * blockSize + slot) * numKvHeads + kvHead) * headDim * elementBytes();
    }

    /** Layer {@code layer}'s keys: [numBlocks][blockSize][numKvHeads][headDim]. */
    public MemorySegment keys(int layer) {
        return keys[layer];
    }

    /** Layer {@code layer}'s values: [numBlocks][blockSize][numKvHeads][headDim]. */
    public MemorySegment values(int layer) {
        return values[layer];
    }

    /** Copies block {@code src}'s keys and values (every layer, every slot) over block {@code dst}'s. */
    public void copyBlock(int src, int dst) {
        long bytes = blockSize * tokenStride();
        for (int l = 0; l < numLayers; l++) {
            MemorySegment.copy(keys[l], offset(src, 0, 0), keys[l], offset(dst, 0, 0), bytes);
            MemorySegment.copy(values[l], offset(src, 0, 0), values[l], offset(dst, 0, 0), bytes);
        }
    }

    /** Bytes of K and V one token takes over all layers. */
    public static long bytesPerToken(ModelConfig config, GgmlType type) {
        return 2L * config.numLayers() * config.numKvHeads() * config.headDim() * (type == GgmlType.F16 ? 2 : 4);
    }

    /** Total bytes held. */
    public long byteSize() {
        return 2L * numLayers * keys[0].byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }
}
