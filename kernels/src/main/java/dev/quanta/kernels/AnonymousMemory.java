package dev.quanta.kernels;

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
 * Used for the engine's KV cache and packed weights, and by {@code MatmulCalibration} for its packed pool, so the
 * calibrated rates see the same pages as a forward pass.
 */
public final class AnonymousMemory {

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;  // Linux
    private static final int MAP_NORESERVE = 0x4000; // Linux
    private static final int MADV_HUGEPAGE = 14;      // Linux
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        MethodHandle madvise = null;
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            } catch (RuntimeException | LinkageError e) {
                mmap = null;
                munmap = null;
                madvise = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
    }

    private AnonymousMemory() {}

    /**
     * {@code bytes} of zeroed memory, released when {@code arena} closes.
     */
    public static MemorySegment allocate(Arena arena, long bytes) {
        if (MMAP != null && bytes >= (1 << 20)) {
            try {
                MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
                if (p.address() != -1L && p.address() != 0L) {
                    hugePages(p, bytes);
                    return p.reinterpret(bytes, arena, zeroLength -> unmap(zeroLength.address(), bytes));
                }
            } catch (Throwable e) {
                // fall back below
            }
        }
        return arena.allocate(bytes, 64);
    }

    /**
     * Asks for transparent huge pages over the mapping ({@code madvise(MADV_HUGEPAGE)}; Linux's default THP mode,
     * "madvise", gives them only where asked). A first touch then supplies 2 MiB at once instead of 4 KiB: the KV
     * cache takes a page fault per 2 MiB of new blocks rather than every 4 KiB (in a virtual machine each fault is
     * an exit to the hypervisor), and the attention's scattered block reads and the packed weights' streaming need
     * one TLB entry per 2 MiB. Where refused (THP off, old kernel) nothing changes: 4 KiB pages, as before.
     */
    private static void hugePages(MemorySegment p, long bytes) {
        if (MADVISE == null || bytes < (2L << 20)) {
            return;
        }
        try {
            int ignored = (int) MADVISE.invokeExact(p, bytes, MADV_HUGEPAGE);
        } catch (Throwable e) {
            // advice only
        }
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
