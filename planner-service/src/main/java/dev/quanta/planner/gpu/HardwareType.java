package dev.quanta.planner.gpu;

import dev.quanta.planner.domain.GpuSpec;
import dev.quanta.planner.domain.HardwareKind;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A row of {@code planner.hardware_type}: a GPU type or CPU node type and how many are free. */
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
    }

    GpuSpec toSpec() {
        return new GpuSpec(name, kind, memoryGb, bandwidthGbPerSecond, fp16Tflops, fp8Tops, int8Tops, pricePerHour,
                available, cores);
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
