package dev.quanta.planner.domain;

import java.util.Map;

/**
 * What our CPU worker will do with one GGUF file on a calibrated CPU node, single stream.
 *
 * @param decodeTokensPerSecond generating {@code generatedTokens} tokens after a one-token prompt (bench's tg test)
 * @param promptTokensPerSecond processing a prompt of {@code promptTokens} tokens (bench's pp test)
 * @param tensorBytes bytes of tensor data the worker maps
 * @param kvBytes f16 K and V for {@code context} tokens (rounded up to whole 16-token blocks, as the worker allocates)
 * @param memoryBytes tensorBytes + kvBytes
 * @param derivation the formula and the figures behind each number
 */
public record CpuWorkerEstimate(double decodeTokensPerSecond, double promptTokensPerSecond, int promptTokens,
        int generatedTokens, int context, long tensorBytes, long kvBytes, long memoryBytes,
        Map<String, String> derivation) {}
