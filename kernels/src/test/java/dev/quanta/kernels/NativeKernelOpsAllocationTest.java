package dev.quanta.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The hot path allocates nothing once warmed up (measured with the per-thread allocation counter). */
class NativeKernelOpsAllocationTest {

    @Test
    void steadyStateMatmulsAllocateNoHeapOnTheCallerThread() {
        var bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported(), "per-thread allocation counter not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        threads.setThreadAllocatedMemoryEnabled(true);
        Random rnd = new Random(3);
        int rows = 256;
        int cols = 1024;
        try (Arena arena = Arena.ofConfined();
                NativeKernelOps ops = NativeKernelOps.withIsa(2, NativeSupport.isas().getLast())) {
            MemorySegment w = TestData.weights(arena, rnd, GgmlType.Q4_0, rows, cols);
            MemorySegment x = TestData.floats(arena, rnd, 4L * cols, 1f);
            MemorySegment out = arena.allocate(16L * rows);
            int calls = 3_000;
            for (int i = 0; i < calls; i++) { // warm-up: JIT compiles the path, scratch reaches its size
                ops.matmul(GgmlType.Q4_0, w, rows, cols, x, out, 1 + (i & 3));
            }
            long tid = Thread.currentThread().threadId();
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < calls; i++) {
                ops.matmul(GgmlType.Q4_0, w, rows, cols, x, out, 1 + (i & 3));
            }
            long perCall = (threads.getThreadAllocatedBytes(tid) - before) / calls;
            assertThat(perCall).as("bytes allocated per matmul call").isLessThan(8);
        }
    }
}
