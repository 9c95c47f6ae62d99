package dev.quanta.registry.model;

/**
 * A complete, checked set of a profile's descriptive fields (everything but key and version). Built by
 * {@link #of} from a request whose optional fields may be absent; pure, no Spring.
 *
 * @param parametersBillions parameter count in billions (e.g. 7.0 for a 7 B model)
 * @param fp16MemoryGb memory of the fp16 weights in GB; derived as {@code parametersBillions * 2} when absent
 * @param kvHeads key/value heads (GQA); derived as {@code attentionHeads} when absent
 * @param headDim dimension of one attention head; derived as {@code hiddenSize / attentionHeads} when absent
 */
public record ModelShape(
        String name,
        String family,
        String architecture,
        double parametersBillions,
        double fp16MemoryGb,
        int layers,
        int hiddenSize,
        int attentionHeads,
        int kvHeads,
        int headDim,
        int contextLength,
        int vocabSize) {

    /** Thrown when fields are individually valid but inconsistent with each other. */
    public static final class InconsistentShapeException extends RuntimeException {
        private final String field;

        InconsistentShapeException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** This shape with another name and family. */
    public ModelShape withIdentity(String name, String family) {
        return new ModelShape(name, family, architecture, parametersBillions, fp16MemoryGb, layers, hiddenSize,
                attentionHeads, kvHeads, headDim, contextLength, vocabSize);
    }

    /**
     * Completes and cross-checks the fields of a request (each already checked on its own by bean validation).
     *
     * @throws InconsistentShapeException naming the offending field
     */
    public static ModelShape of(ModelFields f) {
        int kvHeads = f.kvHeads() != null ? f.kvHeads() : f.attentionHeads();
        if (kvHeads > f.attentionHeads()) {
            throw new InconsistentShapeException("kvHeads",
                    "kvHeads (" + kvHeads + ") must not exceed attentionHeads (" + f.attentionHeads() + ")");
        }
        if (f.attentionHeads() % kvHeads != 0) {
            throw new InconsistentShapeException("kvHeads",
                    "attentionHeads (" + f.attentionHeads() + ") must be a multiple of kvHeads (" + kvHeads + ")");
        }
        int headDim;
        if (f.headDim() != null) {
            headDim = f.headDim();
        } else if (f.hiddenSize() % f.attentionHeads() == 0) {
            headDim = f.hiddenSize() / f.attentionHeads();
        } else {
            throw new InconsistentShapeException("headDim", "headDim is required when hiddenSize ("
                    + f.hiddenSize() + ") is not a multiple of attentionHeads (" + f.attentionHeads() + ")");
        }
        double fp16 = f.fp16MemoryGb() != null ? f.fp16MemoryGb() : f.parametersBillions() * 2.0;
        return new ModelShape(f.name().strip(), f.family(), f.architecture(), f.parametersBillions(), fp16,
                f.layers(), f.hiddenSize(), f.attentionHeads(), kvHeads, headDim, f.contextLength(), f.vocabSize());
    }
}
