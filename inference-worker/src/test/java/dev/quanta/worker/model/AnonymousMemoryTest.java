package dev.quanta.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class AnonymousMemoryTest {

    @Test
    void largeBuffersAreZeroWritableAndReleasedWithTheirArena() {
        long bytes = 64L << 20;
        for (int round = 0; round < 3; round++) {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment s = AnonymousMemory.allocate(arena, bytes);
                assertThat(s.byteSize()).isEqualTo(bytes);
                assertThat(s.get(ValueLayout.JAVA_LONG, 0)).isZero();
                assertThat(s.get(ValueLayout.JAVA_LONG, bytes - 8)).isZero();
                s.set(ValueLayout.JAVA_LONG, bytes - 8, 42L);
                assertThat(s.get(ValueLayout.JAVA_LONG, bytes - 8)).isEqualTo(42L);
            }
        }
    }

    @Test
    void smallBuffersComeFromTheArena() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = AnonymousMemory.allocate(arena, 4096);
            assertThat(s.byteSize()).isEqualTo(4096);
            assertThat(s.address() % 64).isZero();
        }
    }
}
