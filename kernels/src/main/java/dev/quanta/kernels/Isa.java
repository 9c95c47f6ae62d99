package dev.quanta.kernels;

import java.util.Locale;

/**
 * Instruction-set levels of the native kernels, ordered: each level implies the ones before it.
 *
 * <p>The numeric {@link #level()} is what the C library uses ({@code LLMK_ISA_*} in {@code llmk.h}).
 * The environment variable {@code QUANTA_KERNELS_ISA=scalar|avx2|avx512} caps the level the library picks at
 * load; {@link KernelConfig#isaCap()} caps it per {@link KernelOps} instance (tests use that to run every path in
 * one JVM).
 */
public enum Isa {
    /** Portable C, the reference; the only level on non-x86 machines. */
    SCALAR(0),
    /** AVX2 + FMA + F16C (Haswell, Zen). */
    AVX2(1),
    /** AVX-512 F/BW/VL/DQ, plus VNNI dot products where the CPU has them (Skylake-X, Ice Lake, Zen 4). */
    AVX512(2);

    private final int level;

    Isa(int level) {
        this.level = level;
    }

    /** The C library's numeric level. */
    public int level() {
        return level;
    }

    /** The lower-case name used in the environment variable and in log lines. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level with the C library's number {@code level}. */
    public static Isa ofLevel(int level) {
        for (Isa isa : values()) {
            if (isa.level == level) {
                return isa;
            }
        }
        throw new IllegalArgumentException("unknown ISA level " + level);
    }

    /**
     * Parses {@code scalar}, {@code avx2} or {@code avx512} (case-insensitive).
     *
     * @throws IllegalArgumentException for anything else, naming the accepted values
     */
    public static Isa parse(String text) {
        for (Isa isa : values()) {
            if (isa.label().equalsIgnoreCase(text.strip())) {
                return isa;
            }
        }
        throw new IllegalArgumentException("unknown instruction set '" + text + "' (expected scalar, avx2 or avx512)");
    }
}
