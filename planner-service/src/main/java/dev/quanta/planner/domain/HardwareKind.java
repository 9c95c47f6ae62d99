package dev.quanta.planner.domain;

/** A GPU type, or a CPU node type (planned with GGUF quants only, served by the CPU worker). */
public enum HardwareKind {
    GPU,
    CPU
}
