package dev.quanta.worker.model;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufFormatException;
import dev.quanta.gguf.GgufMetadata;
import dev.quanta.gguf.GgufTensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * A model file opened for inference: the mapped GGUF, its validated {@link ModelConfig} and in-place
 * {@link LlamaWeights}. Closing it unmaps the weights (close every {@link ForwardPass} first).
 */
public final class LlamaModel implements AutoCloseable {

    private static final long PAGE = 4096;
    @SuppressWarnings("unused")
    private static volatile long touched;

    private final GgufFile file;
    private final ModelConfig config;
    private final LlamaWeights weights;

    private LlamaModel(GgufFile file, ModelConfig config, LlamaWeights weights) {
        this.file = file;
        this.config = config;
        this.weights = weights;
    }

    /** Opens {@code path} without touching the weight pages. */
    public static LlamaModel open(Path path) throws IOException {
        return open(path, null);
    }

    /**
     * Opens {@code path}, validates it, and, when {@code progress} is given, reads one byte of every page of the
     * tensor data so the weights are resident before the first token (reporting bytes done so far).
     *
     * @throws NoSuchFileException      when the file does not exist
     * @throws IOException              when it is not a readable GGUF file
     * @throws IllegalArgumentException for an unsupported architecture or missing / mis-shaped tensors
     */
    public static LlamaModel open(Path path, LongConsumer progress) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        GgufFile file = GgufFile.open(path);
        try {
            GgufMetadata md = file.metadata();
            GgufTensorInfo embedding = file.tensor("token_embd.weight").orElseThrow(
                    () -> new IllegalArgumentException("invalid model: tensor token_embd.weight is missing"));
            ModelConfig config = ModelConfig.fromMetadata(metadataView(md), (int) embedding.numRows());
            LlamaWeights weights = LlamaWeights.load(config, name -> file.tensor(name).map(
                    t -> new TensorSource.Tensor(t.name(), t.type(), t.shape(), file.tensorData(t))));
            LlamaModel model = new LlamaModel(file, config, weights);
            if (progress != null) {
                model.touchPages(progress);
            }
            return model;
        } catch (UncheckedIOException e) {
            file.close();
            throw e.getCause();
        } catch (RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    /** Bytes of tensor data (what has to be resident to run). */
    public long weightBytes() {
        return file.fileSize() - file.dataOffset();
    }

    private void touchPages(LongConsumer progress) {
        MemorySegment all = file.segment();
        long start = file.dataOffset();
        long end = file.fileSize();
        long sink = 0;
        long reported = 0;
        for (long p = start; p < end; p += PAGE) {
            sink += all.get(ValueLayout.JAVA_BYTE, p);
            if (p - start - reported >= (16L << 20)) {
                reported = p - start;
                progress.accept(reported);
            }
        }
        touched = sink; // keeps the reads from being optimised away
        progress.accept(end - start);
    }

    private static ModelConfig.Metadata metadataView(GgufMetadata md) {
        return new ModelConfig.Metadata() {
            @Override
            public Optional<String> string(String key) {
                return wrap(() -> md.findString(key));
            }

            @Override
            public Optional<Long> integer(String key) {
                return wrap(() -> md.findLong(key));
            }

            @Override
            public Optional<Double> real(String key) {
                return wrap(() -> md.findDouble(key));
            }
        };
    }

    private interface Lookup<T> {
        Optional<T> get() throws GgufFormatException;
    }

    private static <T> Optional<T> wrap(Lookup<T> lookup) {
        try {
            return lookup.get();
        } catch (GgufFormatException e) {
            throw new UncheckedIOException(e);
        }
    }

    public GgufFile file() {
        return file;
    }

    public Path path() {
        return file.path();
    }

    public ModelConfig config() {
        return config;
    }

    public LlamaWeights weights() {
        return weights;
    }

    @Override
    public void close() {
        file.close();
    }
}
