package dev.quanta.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link KernelOps#forEach}: the engine's way to run Java work on the kernels' own threads. */
class KernelOpsForEachTest {

    private static KernelOps create(boolean javaOnly) {
        KernelConfig config = KernelConfig.withThreads(2);
        return Kernels.create(javaOnly ? config.javaOnly() : config);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void runsEveryItemExactlyOnceWithAWorkerIndexBelowTheThreadCount(boolean javaOnly) {
        try (KernelOps ops = create(javaOnly)) {
            for (int items : new int[] {0, 1, 2, 7, 1000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(items, 1));
                AtomicIntegerArray badWorker = new AtomicIntegerArray(1);
                for (int repeat = 0; repeat < 20; repeat++) { // reuses the dispatch task across calls
                    ops.forEach(items, (worker, item) -> {
                        runs.incrementAndGet(item);
                        if (worker < 0 || worker >= ops.threads()) {
                            badWorker.incrementAndGet(0);
                        }
                    });
                }
                for (int i = 0; i < items; i++) {
                    assertThat(runs.get(i)).as("%s item %d of %d", ops.description(), i, items).isEqualTo(20);
                }
                assertThat(badWorker.get(0)).isZero();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsANegativeItemCount(boolean javaOnly) {
        try (KernelOps ops = create(javaOnly)) {
            assertThatThrownBy(() -> ops.forEach(-1, (w, i) -> { })).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("items");
        }
    }
}
