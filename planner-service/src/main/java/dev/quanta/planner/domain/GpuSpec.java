package dev.quanta.planner.domain;

/**
 * One hardware type of the inventory. Throughput figures are dense (not 2:4 sparse) vendor peaks.
 *
 * @param memoryGb device memory, GB (CPU: node RAM)
 * @param bandwidthGbPerSecond memory bandwidth, GB/s
 * @param fp16Tflops dense FP16/BF16 tensor TFLOPS (CPU: FP32 vector peak of all cores)
 * @param fp8Tops dense FP8 TFLOPS, {@code null} where the device has no FP8 math
 * @param int8Tops dense INT8 TOPS, {@code null} where unsupported
 * @param pricePerHour USD per device-hour, {@code null} when unknown
 * @param available how many of this type are free to plan with
 * @param cores CPU cores (CPU nodes only, else {@code null})
 * @param calibration what {@code quanta calibrate} measured on this CPU node type (CPU only; {@code null}: not
 *     calibrated, no CPU worker prediction)
 */
public record GpuSpec(String name, HardwareKind kind, double memoryGb, double bandwidthGbPerSecond, double fp16Tflops,
        Double fp8Tops, Double int8Tops, Double pricePerHour, int available, Integer cores,
        CpuCalibration calibration) {

    /** A type without calibration. */
    public GpuSpec(String name, HardwareKind kind, double memoryGb, double bandwidthGbPerSecond, double fp16Tflops,
            Double fp8Tops, Double int8Tops, Double pricePerHour, int available, Integer cores) {
        this(name, kind, memoryGb, bandwidthGbPerSecond, fp16Tflops, fp8Tops, int8Tops, pricePerHour, available, cores,
                null);
    }

    public GpuSpec {
        check(name != null && !name.isBlank(), "name", "must not be blank");
        check(kind != null, "kind", "must be GPU or CPU");
        check(positive(memoryGb), "memoryGb", "must be positive");
        check(positive(bandwidthGbPerSecond), "bandwidthGbPerSecond", "must be positive");
        check(positive(fp16Tflops), "fp16Tflops", "must be positive");
        check(fp8Tops == null || positive(fp8Tops), "fp8Tops", "must be positive or absent");
        check(int8Tops == null || positive(int8Tops), "int8Tops", "must be positive or absent");
        check(pricePerHour == null || (Double.isFinite(pricePerHour) && pricePerHour >= 0), "pricePerHour",
                "must be zero or more, or absent");
        check(available >= 0, "available", "must not be negative");
        check(cores == null || cores > 0, "cores", "must be positive or absent");
        check(calibration == null || kind == HardwareKind.CPU, "calibration", "is for CPU node types only");
    }

    public boolean supportsFp8() {
        return fp8Tops != null;
    }

    private static boolean positive(double value) {
        return Double.isFinite(value) && value > 0;
    }

    private static void check(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidInputException(field, field + " " + message);
        }
    }
}
