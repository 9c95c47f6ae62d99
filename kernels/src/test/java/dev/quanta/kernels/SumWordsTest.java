package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The bandwidth probe's read loop ({@link KernelOps#sumWords}): every ISA's vector loop sums as the Java one. */
class SumWordsTest {

    static List<Isa> isas() {
        return NativeSupport.isas();
    }

    @ParameterizedTest
    @MethodSource("isas")
    void nativeSumOfEveryRangeEqualsTheJavaLoop(Isa isa) {
        Random rnd = new Random(5);
        KernelOps java = new JavaKernelOps();
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(1, isa)) {
            int words = 1000;
            MemorySegment buffer = arena.allocate(8L * words, 64);
            for (int i = 0; i < words; i++) {
                buffer.setAtIndex(JAVA_LONG, i, rnd.nextLong()); // sums wrap around
            }
            // lengths around the vector loops' 16- and 32-word steps, from aligned and unaligned starts
            for (int from : new int[] {0, 1, 7, 33}) {
                for (int n : new int[] {0, 1, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 500, words - 33}) {
                    long want = java.sumWords(buffer, from, from + n);
                    assertThat(ops.sumWords(buffer, from, from + n)).as("%s words [%d, %d)", isa, from, from + n)
                            .isEqualTo(want);
                }
            }
            assertThatThrownBy(() -> ops.sumWords(buffer, 0, words + 1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
