package dev.quanta.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import java.util.ArrayList;
import java.util.List;

/** The instruction sets the tests run on: every level up to what this CPU supports. */
final class NativeSupport {

    private NativeSupport() {}

    /**
     * Every ISA this machine runs. The library must load on the platforms the build supports (linux x86-64 and
     * aarch64): a load failure fails the test instead of silently skipping the native comparisons.
     */
    static List<Isa> isas() {
        assertThat(NativeLibrary.failure()).as("native library load failure").isEmpty();
        List<Isa> isas = new ArrayList<>();
        for (Isa isa : Isa.values()) {
            if (isa.level() <= NativeLibrary.cpuIsa().level()) {
                isas.add(isa);
            }
        }
        return isas;
    }

    /** Whether this CPU has AVX512_VNNI (llmk_cpu_features bit 4). */
    static boolean hasVnni() {
        return (NativeLibrary.cpuFeatures() & 4) != 0;
    }

    /**
     * Whether {@code isa} has a packed 16-row kernel for {@code type} (so {@code packedLayout} offers one for whole
     * tiles): Q4_0, IQ4_NL, Q5_0, Q8_0 and Q2_K to Q5_K from AVX2 on ({@code llmk_avx2_*_x16.c}, inherited by AVX-512
     * without VNNI; {@code llmk_avx512_*_x16.c} with it), no other type.
     */
    static boolean packs(Isa isa, GgmlType type) {
        return switch (type) {
            case Q4_0, IQ4_NL, Q5_0, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K -> isa.level() >= Isa.AVX2.level();
            default -> false;
        };
    }
}
