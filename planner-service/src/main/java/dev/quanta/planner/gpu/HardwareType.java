package dev.quanta.planner.gpu;

import dev.quanta.planner.domain.CpuCalibration;
import dev.quanta.planner.domain.GpuSpec;
import dev.quanta.planner.domain.HardwareKind;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A row of {@code planner.hardware_type}: a GPU type or CPU node type and how many are free; a calibrated CPU type
 * also has its calibration columns and its rows of {@code cpu_type_rate}.
 */
@Entity
@Table(name = "hardware_type")
class HardwareType {

    @Id
    @Column(length = 64)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 8)
    private HardwareKind kind;

    @Column(name = "memory_gb", nullable = false)
    private double memoryGb;

    @Column(name = "bandwidth_gb_per_second", nullable = false)
    private double bandwidthGbPerSecond;

    @Column(name = "fp16_tflops", nullable = false)
    private double fp16Tflops;

    @Column(name = "fp8_tops")
    private Double fp8Tops;

    @Column(name = "int8_tops")
    private Double int8Tops;

    @Column(name = "price_per_hour")
    private Double pricePerHour;

    @Column(nullable = false)
    private int available;

    private Integer cores;

    @Column(name = "calibration_threads")
    private Integer calibrationThreads;

    @Column(name = "calibration_kernels", length = 128)
    private String calibrationKernels;

    @Column(name = "calibration_read_gb_per_second")
    private Double calibrationReadGbPerSecond;

    @Column(name = "calibration_layer_seconds")
    private Double calibrationLayerSeconds;

    @Column(name = "calibration_layer_seconds_per_element")
    private Double calibrationLayerSecondsPerElement;

    @Column(name = "calibration_token_seconds_per_vocab_entry")
    private Double calibrationTokenSecondsPerVocabEntry;

    @Column(name = "calibration_attention_gops")
    private Double calibrationAttentionGops;

    @Column(name = "calibration_prompt_tokens")
    private Integer calibrationPromptTokens;

    @Column(name = "calibrated_at")
    private Instant calibratedAt;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "cpu_type_rate", joinColumns = @JoinColumn(name = "hardware_name"))
    @OrderBy("ggmlType")
    private List<TypeRateRow> typeRates = new ArrayList<>();

    @Version
    private long version;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected HardwareType() {}

    HardwareType(String name) {
        this.name = name;
    }

    /** Copies every field but the name from a validated spec. */
    void apply(GpuSpec spec) {
        kind = spec.kind();
        memoryGb = spec.memoryGb();
        bandwidthGbPerSecond = spec.bandwidthGbPerSecond();
        fp16Tflops = spec.fp16Tflops();
        fp8Tops = spec.fp8Tops();
        int8Tops = spec.int8Tops();
        pricePerHour = spec.pricePerHour();
        available = spec.available();
        cores = spec.cores();
        updatedAt = Instant.now();
        CpuCalibration c = spec.calibration();
        calibrationThreads = c == null ? null : c.threads();
        calibrationKernels = c == null ? null : c.kernels();
        calibrationReadGbPerSecond = c == null ? null : c.readGbPerSecond();
        calibrationLayerSeconds = c == null ? null : c.layerSeconds();
        calibrationLayerSecondsPerElement = c == null ? null : c.layerSecondsPerElement();
        calibrationTokenSecondsPerVocabEntry = c == null ? null : c.tokenSecondsPerVocabEntry();
        calibrationAttentionGops = c == null ? null : c.attentionGops();
        calibrationPromptTokens = c == null ? null : c.promptTokens();
        calibratedAt = c == null ? null : updatedAt;
        typeRates.clear();
        if (c != null) {
            c.types().forEach(r -> typeRates.add(new TypeRateRow(r)));
        }
    }

    GpuSpec toSpec() {
        CpuCalibration calibration = calibrationThreads == null ? null : new CpuCalibration(calibrationThreads,
                calibrationKernels, calibrationReadGbPerSecond, calibrationLayerSeconds,
                calibrationLayerSecondsPerElement, calibrationTokenSecondsPerVocabEntry, calibrationAttentionGops,
                calibrationPromptTokens,
                typeRates.stream().map(TypeRateRow::toRate).toList(), calibratedAt);
        return new GpuSpec(name, kind, memoryGb, bandwidthGbPerSecond, fp16Tflops, fp8Tops, int8Tops, pricePerHour,
                available, cores, calibration);
    }

    String name() {
        return name;
    }

    long version() {
        return version;
    }

    Instant updatedAt() {
        return updatedAt;
    }
}
