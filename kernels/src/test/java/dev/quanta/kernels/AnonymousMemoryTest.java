package dev.quanta.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void largeBuffersAreAdvisedToUseHugePages() throws Exception {
        Path smaps = Path.of("/proc/self/smaps");
        assumeTrue(Files.isReadable(smaps), "no /proc/self/smaps (not Linux): nothing to check");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = AnonymousMemory.allocate(arena, 8L << 20);
            String flags = vmFlags(Files.readAllLines(smaps), s.address());
            assertThat(flags).as("VmFlags of the mapping at %x", s.address()).contains(" hg");
        }
    }

    /** The VmFlags line of the /proc/self/smaps entry whose range holds {@code address}. */
    private static String vmFlags(List<String> lines, long address) {
        boolean inside = false;
        for (String line : lines) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                inside = Long.parseUnsignedLong(range[0], 16) <= address && address < Long.parseUnsignedLong(range[1], 16);
            } else if (inside && line.startsWith("VmFlags:")) {
                return line + " ";
            }
        }
        throw new AssertionError("no mapping holds " + Long.toHexString(address));
    }
}
