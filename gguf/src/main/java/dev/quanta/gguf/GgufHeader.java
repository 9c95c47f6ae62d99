package dev.quanta.gguf;

import java.util.List;
import java.util.Optional;

/**
 * Everything in a GGUF file except the tensor data: version, metadata, tensor infos and where the data
 * section starts. Produced by {@link GgufFile#readHeader} (no mapping kept) or {@link GgufFile#header()}.
 * Every tensor's data range has been checked to lie inside the file.
 *
 * @param version    GGUF version (2 or 3)
 * @param metadata   key/value pairs in file order
 * @param tensors    tensor infos in file order
 * @param alignment  {@code general.alignment} or 32; a power of two, in bytes
 * @param dataOffset absolute byte offset of the data section (a multiple of {@code alignment})
 * @param fileSize   bytes in the file
 */
public record GgufHeader(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, long alignment,
        long dataOffset, long fileSize) {

    public GgufHeader {
        tensors = List.copyOf(tensors);
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        for (GgufTensorInfo t : tensors) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Sum of all tensors' element counts. */
    public long parameterCount() {
        long n = 0;
        for (GgufTensorInfo t : tensors) {
            n += t.numElements();
        }
        return n;
    }
}
