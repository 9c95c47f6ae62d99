package dev.quanta.planner.domain;

/**
 * The quant config the seed tooling emitted beside its recommendation.
 *
 * @param memoryRatio bits / 32, as the seed computed it (not bits / 16)
 */
public record QuantConfig(HeuristicMethod method, int bits, int groupSize, boolean descAct, boolean useExllama,
        double memoryRatio) {

    /** The seed's fixed settings: group size 128, no act-order, exllama kernels on. */
    public static QuantConfig of(HeuristicMethod method) {
        return new QuantConfig(method, method.bits(), 128, false, true, method.bits() / 32.0);
    }
}
