package dev.quanta.planner.domain;

import java.util.Locale;

/**
 * One tensor of a GGUF file as its header lists it (what {@code quanta gguf-info --json} prints).
 *
 * @param name e.g. {@code blk.0.attn_q.weight}
 * @param type GGUF type name, e.g. {@code Q4_K}
 * @param cols elements per row (GGUF's ne[0], the input features of a weight matrix)
 * @param rows rows (product of the other dimensions; the output features of a weight matrix), 1 for a vector
 * @param bytes bytes of its data in the file
 */
public record GgufTensor(String name, String type, long cols, long rows, long bytes) {

    public GgufTensor {
        if (name == null || name.isBlank() || name.length() > 256) {
            throw new InvalidInputException("model.tensors.name", "a tensor name must be 1-256 characters");
        }
        if (type == null || !type.matches("[A-Za-z0-9_]{1,16}")) {
            throw new InvalidInputException("model.tensors.type", "tensor " + name + ": type must be a GGUF type name");
        }
        type = type.toUpperCase(Locale.ROOT);
        if (cols <= 0 || rows <= 0 || bytes <= 0) {
            throw new InvalidInputException("model.tensors", "tensor " + name + ": shape and bytes must be positive");
        }
    }

    /** The weight role of a {@code blk.N.ROLE.weight} tensor ({@code attn_q}, {@code ffn_down}, ...), else "". */
    public String role() {
        String[] parts = name.split("\\.");
        return parts.length == 4 && parts[0].equals("blk") && parts[3].equals("weight") ? parts[2] : "";
    }
}
