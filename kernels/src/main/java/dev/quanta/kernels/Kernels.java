package dev.quanta.kernels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the {@link KernelOps} implementation once and logs the choice in one INFO line, e.g.
 * {@code Kernels: native avx2, 2 threads (library .../libquanta_kernels.so)} or
 * {@code Kernels: java reference, 1 thread (native unavailable: ...)}.
 *
 * <p>Native when the C library loads and {@link KernelConfig#preferNative()}; otherwise {@link JavaKernelOps}.
 */
public final class Kernels {

    /** Environment variable capping the native instruction set: {@code scalar}, {@code avx2} or {@code avx512}. */
    public static final String ISA_ENV = "QUANTA_KERNELS_ISA";

    private static final Logger log = LoggerFactory.getLogger(Kernels.class);

    private Kernels() {}

    /** The implementation {@code config} asks for, falling back to the Java reference. Caller closes it. */
    public static KernelOps create(KernelConfig config) {
        String cap = System.getenv(ISA_ENV);
        if (cap != null && !cap.isBlank()) {
            try {
                Isa.parse(cap);
            } catch (IllegalArgumentException e) {
                log.warn("Kernels: ignoring {}: {}", ISA_ENV, e.getMessage());
            }
        }
        if (config.preferNative()) {
            if (NativeLibrary.isAvailable()) {
                KernelOps ops = NativeKernelOps.create(config);
                log.info("Kernels: {} (library {})", ops.description(), NativeLibrary.location());
                return ops;
            }
            KernelOps ops = new JavaKernelOps();
            log.info("Kernels: {} (native unavailable: {})", ops.description(),
                    NativeLibrary.failure().orElse("unknown"));
            return ops;
        }
        KernelOps ops = new JavaKernelOps();
        log.info("Kernels: {} (native disabled by configuration)", ops.description());
        return ops;
    }

    /** The best implementation with {@code threads} threads. */
    public static KernelOps best(int threads) {
        return create(KernelConfig.withThreads(threads));
    }
}
