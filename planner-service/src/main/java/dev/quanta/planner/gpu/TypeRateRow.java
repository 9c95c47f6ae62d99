package dev.quanta.planner.gpu;

import dev.quanta.planner.domain.CpuCalibration;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A row of {@code planner.cpu_type_rate}: one weight type's calibrated matmul lines. */
@Embeddable
class TypeRateRow {

    @Column(name = "ggml_type", nullable = false, length = 16)
    private String ggmlType;

    @Column(name = "decode_call_seconds", nullable = false)
    private double decodeCallSeconds;

    @Column(name = "decode_gb_per_second", nullable = false)
    private double decodeGbPerSecond;

    @Column(name = "prompt_call_seconds", nullable = false)
    private double promptCallSeconds;

    @Column(name = "prompt_gops", nullable = false)
    private double promptGops;

    protected TypeRateRow() {}

    TypeRateRow(CpuCalibration.TypeRate r) {
        ggmlType = r.type();
        decodeCallSeconds = r.decodeCallSeconds();
        decodeGbPerSecond = r.decodeGbPerSecond();
        promptCallSeconds = r.promptCallSeconds();
        promptGops = r.promptGops();
    }

    CpuCalibration.TypeRate toRate() {
        return new CpuCalibration.TypeRate(ggmlType, decodeCallSeconds, decodeGbPerSecond, promptCallSeconds,
                promptGops);
    }
}
