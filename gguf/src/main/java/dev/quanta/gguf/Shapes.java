package dev.quanta.gguf;

/** Formatting of ggml shapes (ne[0] first). */
final class Shapes {

    private Shapes() {}

    /** {@code [64, 512]} style, ne[0] first. */
    static String describe(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(']').toString();
    }
}
