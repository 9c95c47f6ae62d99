package dev.quanta.kernels;

import static org.assertj.core.api.Assertions.assertThat;

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
}
