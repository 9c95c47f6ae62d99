package dev.quanta.worker.model;

import java.lang.foreign.MemorySegment;

/**
 * One transformer block's weights, in place. Vectors are f32 segments; optional ones are {@code null}.
 *
 * @param attnNorm f32 [dim]
 * @param wq       [qDim][dim]
 * @param wk       [kvDim][dim]
 * @param wv       [kvDim][dim]
 * @param bq       f32 [qDim] or null (Qwen2)
 * @param bk       f32 [kvDim] or null (Qwen2)
 * @param bv       f32 [kvDim] or null (Qwen2)
 * @param qNorm    f32 [headDim] or null (Qwen3)
 * @param kNorm    f32 [headDim] or null (Qwen3)
 * @param wo       [dim][qDim]
 * @param ffnNorm  f32 [dim]
 * @param wGate    [ffnDim][dim]
 * @param wUp      [ffnDim][dim]
 * @param wDown    [dim][ffnDim]
 */
public record LayerWeights(
        MemorySegment attnNorm,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        MemorySegment bq,
        MemorySegment bk,
        MemorySegment bv,
        MemorySegment qNorm,
        MemorySegment kNorm,
        WeightMatrix wo,
        MemorySegment ffnNorm,
        WeightMatrix wGate,
        WeightMatrix wUp,
        WeightMatrix wDown) {}
