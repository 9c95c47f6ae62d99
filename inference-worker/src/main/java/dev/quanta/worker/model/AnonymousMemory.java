package dev.quanta.worker.model;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Large zero-filled buffers whose pages the operating system supplies on first touch (anonymous {@code mmap}),
 * instead of {@link Arena#allocate}, which writes every byte at once: a 4 GiB KV budget then costs neither seconds
 * at start nor resident memory until sequences use its blocks. Falls back to the arena where mmap is unavailable.
 */
final class AnonymousMemory {

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;  // Linux
    private static final int MAP_NORESERVE = 0x4000; // Linux
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            } catch (RuntimeException | LinkageError e) {
                mmap = null;
                munmap = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
    }

    private AnonymousMemory() {}

    /**
     * {@code bytes} of zeroed memory, released when {@code arena} closes.
     */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (MMAP != null && bytes >= (1 << 20)) {
            try {
                MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
                if (p.address() != -1L && p.address() != 0L) {
                    return p.reinterpret(bytes, arena, zeroLength -> unmap(zeroLength.address(), bytes));
                }
            } catch (Throwable e) {
                // fall back below
            }
        }
        return arena.allocate(bytes, 64);
    }

    /** The cleanup gets a zero-length segment at the mapping's address, so the length travels separately. */
    private static void unmap(long address, long bytes) {
        try {
            int rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), bytes);
            if (rc != 0) {
                throw new IllegalStateException("munmap of " + bytes + " bytes failed");
            }
        } catch (Throwable e) {
            throw new IllegalStateException("munmap failed", e);
        }
    }
}
