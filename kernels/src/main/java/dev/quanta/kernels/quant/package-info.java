/**
 * ggml tensor formats in plain Java: the reference (scalar) dequantization, quantization and dot products the
 * native kernels and the Java forward pass are checked against. Block layouts are documented at the top of
 * each format class ({@code Q4Formats}, {@code Q5Formats}, {@code Q8Formats}, {@code Q2KFormat},
 * {@code Q3KFormat}, {@code Q45KFormats}, {@code Q6KFormat}, {@code FloatFormats}); the public entry points are
 * {@link dev.quanta.kernels.quant.Dequantize}, {@link dev.quanta.kernels.quant.Quantize} and
 * {@link dev.quanta.kernels.quant.VecDot}. All data is little-endian and read in place from
 * {@link java.lang.foreign.MemorySegment}s at explicit byte offsets.
 */
package dev.quanta.kernels.quant;
