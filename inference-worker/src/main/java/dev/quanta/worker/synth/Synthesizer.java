package dev.quanta.worker.synth;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufWriter;
import dev.quanta.kernels.quant.Quantize;
import dev.quanta.worker.model.Architecture;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * Writes a {@link SynthPlan} as a GGUF file with seeded random weights: matrices N(0, 0.02²), RMSNorm weights 1.
 *
 * <p>Streaming: the writer pulls one tensor at a time and each tensor is produced in chunks of about
 * {@value #CHUNK_BYTES} bytes, so the heap holds one chunk however large the model. Within a chunk, rows are
 * generated and quantized in parallel on the common fork-join pool (all cores). Every row draws from its own
 * generator seeded by (seed, tensor index, row), so the bytes do not depend on thread scheduling: the same seed
 * gives a byte-identical file.
 *
 * <p>NOTE: normals come from {@link SplittableRandom#nextGaussian()} (the JDK's ziggurat over SplitMix64), so
 * "same seed, same bytes" holds for a given JDK release; a future JDK changing that algorithm would change the
 * weights, not their distribution.
 */
public final class Synthesizer {

    /** Standard deviation of the matrix weights. */
    public static final double WEIGHT_STD = 0.02;
    /** RMSNorm epsilon written as {@code llama.attention.layer_norm_rms_epsilon}. */
    public static final float RMS_EPSILON = 1e-5f;
    /** Target size of one generated chunk of tensor data, in bytes. */
    static final int CHUNK_BYTES = 8 << 20;

    /** What was written. */
    public record Result(Path path, long fileBytes, long parameters) {}

    private Synthesizer() {}

    /**
     * Writes {@code plan} with {@code vocab}'s tokenizer to {@code out} (atomically: a failed run leaves no file).
     *
     * @param progress called with the number of parameters just written, from the writing thread
     */
    public static Result write(SynthPlan plan, SynthVocab vocab, long seed, Path out, LongConsumer progress)
            throws IOException {
        Objects.requireNonNull(progress, "progress");
        if (vocab.tokenCount() != plan.vocabSize()) {
            throw new IllegalArgumentException("plan has " + plan.vocabSize() + " tokens, vocab " + vocab.tokenCount());
        }
        SynthShape s = plan.shape();
        String arch = plan.architecture().ggufName();
        GgufWriter writer = new GgufWriter()
                .putString(GgufKeys.GENERAL_ARCHITECTURE, arch)
                .putString(GgufKeys.GENERAL_NAME,
                        plan.architecture() == Architecture.LLAMA ? "synth-" + s.name() : "synth-" + arch + "-" + s.name())
                .putUInt32(GgufKeys.contextLength(arch), s.context())
                .putUInt32(GgufKeys.embeddingLength(arch), s.embedding())
                .putUInt32(GgufKeys.blockCount(arch), s.layers())
                .putUInt32(GgufKeys.feedForwardLength(arch), s.ffn())
                .putUInt32(GgufKeys.headCount(arch), s.heads())
                .putUInt32(GgufKeys.headCountKv(arch), s.kvHeads())
                .putUInt32(GgufKeys.ropeDimensionCount(arch), s.headDim())
                .putFloat32(GgufKeys.ropeFreqBase(arch), s.ropeTheta())
                .putFloat32(GgufKeys.rmsEpsilon(arch), RMS_EPSILON)
                .putUInt32(GgufKeys.vocabSize(arch), plan.vocabSize())
                .putUInt32(GgufKeys.GENERAL_FILE_TYPE, plan.fileType());
        if (plan.quantized()) {
            writer.putUInt32(GgufKeys.GENERAL_QUANTIZATION_VERSION, 2);
        }
        vocab.keys().forEach(writer::put);
        List<SynthTensor> tensors = plan.tensors();
        for (int i = 0; i < tensors.size(); i++) {
            SynthTensor t = tensors.get(i);
            long tensorSeed = mix(seed, i);
            writer.addTensor(t.name(), t.type(), t.shape(), sink -> writeTensor(t, tensorSeed, sink, progress));
        }
        writer.write(out);
        return new Result(out, Files.size(out), plan.parameterCount());
    }

    private static void writeTensor(SynthTensor t, long tensorSeed, OutputStream sink, LongConsumer progress)
            throws IOException {
        if (t.norm() && t.spread() == 0) {
            ByteBuffer ones = ByteBuffer.allocate(Math.toIntExact(t.sizeBytes())).order(ByteOrder.LITTLE_ENDIAN);
            while (ones.hasRemaining()) {
                ones.putFloat(1.0f);
            }
            sink.write(ones.array());
            progress.accept(t.numElements());
            return;
        }
        int rowLength = t.rowLength();
        GgmlType type = t.type();
        int rowBytes = Math.toIntExact(type.byteSize(rowLength));
        long rows = t.rows();
        int rowsPerChunk = (int) Math.max(1, Math.min(rows, CHUNK_BYTES / rowBytes));
        byte[] chunk = new byte[rowsPerChunk * rowBytes];
        MemorySegment chunkSegment = MemorySegment.ofArray(chunk);
        ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[rowLength]);
        for (long first = 0; first < rows; first += rowsPerChunk) {
            int n = (int) Math.min(rowsPerChunk, rows - first);
            long base = first;
            IntStream.range(0, n).parallel().forEach(r -> {
                float[] row = scratch.get();
                SplittableRandom random = new SplittableRandom(mix(tensorSeed, base + r));
                double centre = t.norm() ? 1 : 0;
                for (int j = 0; j < rowLength; j++) {
                    row[j] = (float) (centre + random.nextGaussian() * t.spread());
                }
                Quantize.row(type, row, 0, chunkSegment, (long) r * rowBytes, rowLength);
            });
            sink.write(chunk, 0, n * rowBytes);
            progress.accept((long) n * rowLength);
        }
    }

    /** A well-spread 64-bit seed from two inputs (SplitMix64 finalizer over a golden-ratio step). */
    static long mix(long a, long b) {
        long z = a + 0x9E3779B97F4A7C15L * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
