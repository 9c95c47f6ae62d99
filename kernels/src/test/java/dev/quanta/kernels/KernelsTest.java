package dev.quanta.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelsTest {

    @Test
    void createPicksNativeWhenTheLibraryLoads() {
        try (KernelOps ops = Kernels.create(KernelConfig.withThreads(2))) {
            assertThat(ops).isInstanceOf(NativeKernelOps.class);
            assertThat(ops.threads()).isEqualTo(2);
            assertThat(ops.description()).startsWith("native ").endsWith(", 2 threads");
        }
    }

    @Test
    void isaCapIsHonoured() {
        try (KernelOps ops = Kernels.create(KernelConfig.withThreads(1).withIsaCap(Isa.SCALAR))) {
            assertThat(((NativeKernelOps) ops).isa()).isEqualTo(Isa.SCALAR);
            assertThat(ops.description()).isEqualTo("native scalar, 1 thread");
        }
    }

    @Test
    void javaOnlyConfigurationGivesTheReference() {
        try (KernelOps ops = Kernels.create(KernelConfig.withThreads(2).javaOnly())) {
            assertThat(ops).isInstanceOf(JavaKernelOps.class);
            assertThat(ops.description()).isEqualTo("java reference, 1 thread");
        }
    }

    @Test
    void badConfigurationIsRejectedWithTheReason() {
        assertThatThrownBy(() -> KernelConfig.withThreads(0)).hasMessageContaining("threads");
        assertThatThrownBy(() -> Isa.parse("sse9")).hasMessageContaining("scalar, avx2 or avx512");
        assertThat(Isa.parse(" AVX2 ")).isEqualTo(Isa.AVX2);
    }

    @Test
    void withIsaRunsEveryLevelTheCpuHasAndRefusesTheOthers() {
        List<Isa> supported = NativeSupport.isas();
        assertThat(supported).startsWith(Isa.SCALAR);
        for (Isa isa : Isa.values()) {
            if (supported.contains(isa)) {
                try (NativeKernelOps ops = NativeKernelOps.withIsa(1, isa)) {
                    assertThat(ops.isa()).isEqualTo(isa);
                    assertThat(ops.description()).startsWith("native " + isa.label());
                }
            } else {
                assertThatThrownBy(() -> NativeKernelOps.withIsa(1, isa))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(isa.label());
            }
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeReachingNativeCode() {
        try (Arena arena = Arena.ofConfined(); KernelOps ops = Kernels.create(KernelConfig.withThreads(2))) {
            MemorySegment w = arena.allocate(GgmlType.Q4_0.byteSize(64) * 4);
            MemorySegment x = arena.allocate(4 * 64);
            MemorySegment out = arena.allocate(4 * 4);
            assertThatThrownBy(() -> ops.matmul(GgmlType.Q4_0, w, 4, 48, x, out, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cols 48");
            assertThatThrownBy(() -> ops.matmul(GgmlType.Q4_0, w, 5, 64, x, out, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w holds");
            assertThatThrownBy(() -> ops.matmul(GgmlType.IQ2_XS, w, 1, 256, x, out, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IQ2_XS");
            MemorySegment heap = MemorySegment.ofArray(new float[64]);
            assertThatThrownBy(() -> ops.matmul(GgmlType.Q4_0, w, 4, 64, heap, out, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("off-heap");
            assertThatThrownBy(() -> ops.rope(x, x, 1, 1, 16, 15, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ropeDim");
        }
    }

    @Test
    void attentionRejectsBlockIdsOutsideTheCache() {
        try (Arena arena = Arena.ofConfined(); KernelOps ops = Kernels.create(KernelConfig.withThreads(2))) {
            int headDim = 8;
            MemorySegment cache = arena.allocate(2L * 2 * 4 * headDim); // 2 blocks of 4 positions, 1 kv head, f16
            MemorySegment q = arena.allocate(4L * headDim);
            MemorySegment out = arena.allocate(4L * headDim);
            MemorySegment tables = TestData.ints(arena, 1, 2);
            MemorySegment lens = TestData.ints(arena, 6);
            MemorySegment seq0 = TestData.ints(arena, 0);
            assertThatThrownBy(() -> ops.attention(out, q, 1, 1, 1, headDim, cache, cache, GgmlType.F16, 4, tables,
                    1, 2, seq0, lens, 1f)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("= 2 is outside");
            MemorySegment tooLong = TestData.ints(arena, 9);
            assertThatThrownBy(() -> ops.attention(out, q, 1, 1, 1, headDim, cache, cache, GgmlType.F16, 4, tables,
                    1, 2, seq0, tooLong, 1f)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("seqLens[0]");
            MemorySegment seq1 = TestData.ints(arena, 1); // a row the table does not have
            MemorySegment fits = TestData.ints(arena, 3);
            assertThatThrownBy(() -> ops.attention(out, q, 1, 1, 1, headDim, cache, cache, GgmlType.F16, 4, tables,
                    1, 2, seq1, fits, 1f)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("seqIndex[0] = 1");
            assertThatThrownBy(() -> ops.attention(out, q, 1, 1, 1, headDim, cache, cache, GgmlType.Q8_0, 4, tables,
                    1, 2, seq0, lens, 1f)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F16 or F32");
        }
    }
}
