package dev.quanta.worker.cli;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.worker.quant.QuantFileType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** The llama.cpp file-type name of a GGUF ({@code general.file_type}), for registering it. */
final class FileTypes {

    private FileTypes() {}

    static String nameOf(Path model) throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            int ftype = f.metadata().findInt(GgufKeys.GENERAL_FILE_TYPE).orElse(-1);
            if (ftype == 0) {
                return "F32";
            }
            return Arrays.stream(QuantFileType.values()).filter(t -> t.ftype() == ftype).map(Enum::name).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("cannot tell the quantization type of " + model
                            + " (general.file_type " + ftype + "); pass --quant-type"));
        }
    }
}
