package dev.quanta.kernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The C library's single-precision {@code expf}, which llama.cpp calls in its flash attention and SiLU tails. The C
 * kernels call it too, so the Java references give the same bits; it is not always the correctly rounded
 * {@code (float) Math.exp(x)} (glibc documents up to 0.502 ulp). Falls back to {@code Math.exp} where the C library
 * has no {@code expf}.
 */
public final class CMath {

    private static final MethodHandle EXPF = Optional.of(Linker.nativeLinker())
            .flatMap(l -> l.defaultLookup().find("expf")
                    .map(a -> l.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT),
                            Linker.Option.critical(false))))
            .orElse(null);

    private CMath() {}

    /** e^x as the platform's C {@code expf} computes it. */
    public static float expf(float x) {
        if (EXPF == null) {
            return (float) Math.exp(x);
        }
        try {
            return (float) EXPF.invokeExact(x);
        } catch (Throwable e) {
            throw new IllegalStateException("expf failed", e);
        }
    }
}
