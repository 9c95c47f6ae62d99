package dev.quanta.worker.cli;

import dev.quanta.gguf.GgufArray;
import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufFormatException;
import dev.quanta.gguf.GgufHeader;
import dev.quanta.gguf.GgufSummary;
import dev.quanta.gguf.GgufTensorInfo;
import dev.quanta.gguf.GgufValue;
import dev.quanta.gguf.GgufValueType;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code quanta gguf-info FILE [--json]}: a GGUF file's header, metadata and tensor table, like llama.cpp's
 * {@code gguf-dump}. Reads only the header (no tensor data), so it is instant on multi-GB files.
 */
@Command(name = "gguf-info", mixinStandardHelpOptions = true,
        description = "Show a GGUF file's summary, metadata (key = value) and tensors (name, type, shape, offset).")
final class GgufInfoCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The .gguf file.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--full-arrays", description = "Print every element of metadata arrays "
            + "(text: otherwise the first ${DEFAULT-VALUE} of --max-items; JSON: otherwise only their count).")
    boolean fullArrays;

    @Option(names = "--max-items", defaultValue = "8", paramLabel = "N",
            description = "Array elements shown in text output before abbreviating (default: ${DEFAULT-VALUE}).")
    int maxItems;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a regular file: " + file);
        }
        GgufHeader header = GgufFile.readHeader(file);
        GgufSummary summary = GgufSummary.of(header);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(toJson(header, summary)));
        } else {
            printText(out, header, summary);
        }
        out.flush();
        return 0;
    }

    // --- text

    private void printText(PrintWriter out, GgufHeader h, GgufSummary s) {
        out.printf("%s: GGUF v%d, %,d bytes, %d key/value pairs, %d tensors, data at byte %d (alignment %d)%n",
                file.getFileName(), h.version(), h.fileSize(), h.metadata().size(), h.tensors().size(),
                h.dataOffset(), h.alignment());
        out.printf("%s%s, %s%s, %,d parameters%n", s.architecture().orElse("unknown architecture"),
                s.name().map(n -> " '" + n + "'").orElse(""), s.quantization(),
                s.quantizationInferred() ? " (inferred from tensor types)" : "", s.parameterCount());
        out.printf("layers %s, embedding %s, context %s, heads %s (KV %s, dim %s), FFN %s, vocab %s%n",
                str(s.blockCount()), str(s.embeddingLength()), str(s.contextLength()), str(s.headCount()),
                str(s.headCountKv()), str(s.headDim()), str(s.feedForwardLength()), str(s.vocabSize()));

        out.printf("* %d key/value pairs%n", h.metadata().size());
        int limit = fullArrays ? Integer.MAX_VALUE : maxItems;
        int i = 1;
        for (Map.Entry<String, GgufValue> e : h.metadata().asMap().entrySet()) {
            GgufValue v = e.getValue();
            String type = v.type() == GgufValueType.ARRAY ? "[" + ((GgufArray) v.value()).elementType() + "]"
                    : v.type().toString();
            long count = v.type() == GgufValueType.ARRAY ? ((GgufArray) v.value()).size() : 1;
            out.printf("%6d: %-10s | %8d | %s = %s%n", i++, type, count, e.getKey(), v.display(limit));
        }

        out.printf("* %d tensors%n", h.tensors().size());
        int nameWidth = 4;
        for (GgufTensorInfo t : h.tensors()) {
            nameWidth = Math.max(nameWidth, t.name().length());
        }
        out.printf("%6s  %-" + nameWidth + "s  %-7s  %-27s  %12s  %12s%n", "#", "name", "type", "shape (ne0 first)",
                "offset", "bytes");
        i = 1;
        for (GgufTensorInfo t : h.tensors()) {
            out.printf("%6d  %-" + nameWidth + "s  %-7s  %-27s  %12d  %12d%n", i++, t.name(), t.type(),
                    shape(t.shape()), t.offset(), t.sizeBytes());
        }
    }

    private static String str(OptionalLong v) {
        return v.isPresent() ? Long.toString(v.getAsLong()) : "?";
    }

    private static String shape(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(']').toString();
    }

    // --- JSON

    private ObjectNode toJson(GgufHeader h, GgufSummary s) throws GgufFormatException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("file", file.toString());
        root.put("version", h.version());
        root.put("file_size", h.fileSize());
        root.put("alignment", h.alignment());
        root.put("data_offset", h.dataOffset());
        root.put("kv_count", h.metadata().size());
        root.put("tensor_count", h.tensors().size());

        ObjectNode summary = root.putObject("summary");
        summary.put("architecture", s.architecture().orElse(null));
        summary.put("name", s.name().orElse(null));
        summary.put("quantization", s.quantization());
        summary.put("quantization_inferred", s.quantizationInferred());
        putOptional(summary, "file_type", s.fileType());
        summary.put("parameter_count", s.parameterCount());
        putOptional(summary, "context_length", s.contextLength());
        putOptional(summary, "embedding_length", s.embeddingLength());
        putOptional(summary, "block_count", s.blockCount());
        putOptional(summary, "feed_forward_length", s.feedForwardLength());
        putOptional(summary, "head_count", s.headCount());
        putOptional(summary, "head_count_kv", s.headCountKv());
        putOptional(summary, "head_dim", s.headDim());
        putOptional(summary, "vocab_size", s.vocabSize());

        ObjectNode metadata = root.putObject("metadata");
        for (Map.Entry<String, GgufValue> e : h.metadata().asMap().entrySet()) {
            ObjectNode entry = metadata.putObject(e.getKey());
            GgufValue v = e.getValue();
            entry.put("type", v.type().toString());
            if (v.type() == GgufValueType.ARRAY) {
                GgufArray a = (GgufArray) v.value();
                entry.put("element_type", a.elementType().toString());
                entry.put("count", a.size());
                if (fullArrays) {
                    entry.set("value", arrayJson(a));
                }
            } else {
                entry.set("value", scalarJson(v));
            }
        }

        ArrayNode tensors = root.putArray("tensors");
        int i = 0;
        for (GgufTensorInfo t : h.tensors()) {
            ObjectNode tn = tensors.addObject();
            tn.put("index", i++);
            tn.put("name", t.name());
            tn.put("type", t.type().toString());
            ArrayNode shape = tn.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            tn.put("offset", t.offset());
            tn.put("size_bytes", t.sizeBytes());
        }
        return root;
    }

    private static void putOptional(ObjectNode node, String field, OptionalLong v) {
        if (v.isPresent()) {
            node.put(field, v.getAsLong());
        } else {
            node.putNull(field);
        }
    }

    private static JsonNode arrayJson(GgufArray a) {
        ArrayNode node = JsonNodeFactory.instance.arrayNode(a.size());
        for (int i = 0; i < a.size(); i++) {
            GgufValue v = a.get(i);
            node.add(v.type() == GgufValueType.ARRAY ? arrayJson((GgufArray) v.value()) : scalarJson(v));
        }
        return node;
    }

    private static JsonNode scalarJson(GgufValue v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (v.type()) {
            case STRING -> f.textNode((String) v.value());
            case BOOL -> f.booleanNode((Boolean) v.value());
            case FLOAT32, FLOAT64 -> {
                double d = ((Number) v.value()).doubleValue();
                // JSON has no NaN or infinity: those are written as strings
                yield Double.isFinite(d) ? (v.type() == GgufValueType.FLOAT32
                        ? f.numberNode((Float) v.value()) : f.numberNode(d)) : f.textNode(Double.toString(d));
            }
            case UINT64 -> {
                long x = (Long) v.value();
                yield x >= 0 ? f.numberNode(x) : f.numberNode(new BigInteger(Long.toUnsignedString(x)));
            }
            default -> f.numberNode((Long) v.value());
        };
    }
}
