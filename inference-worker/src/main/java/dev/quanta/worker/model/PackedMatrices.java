package dev.quanta.worker.model;

import dev.quanta.kernels.AnonymousMemory;
import dev.quanta.kernels.KernelOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight matrices of a forward pass that its kernels multiply faster re-laid ({@link KernelOps#packedLayout}:
 * Q4_0, Q5_0, Q8_0, IQ4_NL and Q2_K .. Q5_K in 16-row tiles on AVX2 and AVX-512, as llama.cpp repacks
 * them at load), packed once into memory of the pass. Results are bit-identical to the file's layout (IQ4_NL, Q5_0
 * and Q8_0: llama.cpp's repacked order; {@code --no-repack} keeps its x86 order); matrices without a packed layout
 * are used in place.
 *
 * <p>After packing a matrix, the mapped file pages it came from are released ({@link MemorySegment#unload}), so the
 * weights stay resident once, not twice; the embedding rows a tied LM head shares are faulted back from the page
 * cache as lookups touch them.
 */
final class PackedMatrices {

    /** A matrix in {@code layout} (a {@link KernelOps#packedLayout} id). */
    record Packed(int layout, MemorySegment data) {}

    private final Map<WeightMatrix, Packed> packed;
    private final long bytes;

    private PackedMatrices(Map<WeightMatrix, Packed> packed, long bytes) {
        this.packed = packed;
        this.bytes = bytes;
    }

    /** Packs every matrix of {@code weights} that {@code ops} has a layout for, into memory of {@code arena}. */
    static PackedMatrices pack(LlamaWeights weights, KernelOps ops, Arena arena) {
        List<WeightMatrix> all = new ArrayList<>();
        for (LayerWeights l : weights.layers()) {
            all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        }
        all.add(weights.output());
        Map<WeightMatrix, Packed> map = new IdentityHashMap<>();
        long total = 0;
        for (WeightMatrix w : all) {
            int layout = ops.packedLayout(w.type(), w.rows(), w.cols());
            if (layout == 0 || map.containsKey(w)) {
                continue;
            }
            MemorySegment dst = AnonymousMemory.allocate(arena, ops.packedBytes(layout, w.type(), w.rows(), w.cols()));
            ops.pack(layout, w.type(), w.data(), w.rows(), w.cols(), dst);
            map.put(w, new Packed(layout, dst));
            total += dst.byteSize();
            if (w.data().isMapped()) {
                w.data().unload();
            }
        }
        return new PackedMatrices(map, total);
    }

    /** {@code w} packed, or null when it is used as the file holds it. */
    Packed get(WeightMatrix w) {
        return packed.get(w);
    }

    /** Bytes of packed copies (the file's bytes of those matrices; Q3_K, Q4_K, Q5_K about 3% more). */
    long bytes() {
        return bytes;
    }
}
