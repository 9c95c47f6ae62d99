package dev.quanta.kernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The C library's single-precision {@code expf}, {@code cosf}, {@code sinf} and {@code powf}, which llama.cpp calls in
 * its flash attention, SiLU tails and RoPE cache. The C kernels call them too, so the Java references give the same
 * bits; they are not always the correctly rounded {@code (float) Math.exp(x)} and so on (glibc documents up to about
 * 0.5 ulp more), and one such ulp in a RoPE angle was enough to move a stories260K Q8_0 continuation off llama.cpp's.
 * Each falls back to {@link Math} where the C library lacks it.
 */
public final class CMath {

    private static final MethodHandle EXPF = function("expf", 1);
    private static final MethodHandle COSF = function("cosf", 1);
    private static final MethodHandle SINF = function("sinf", 1);
    private static final MethodHandle POWF = function("powf", 2);

    private CMath() {}

    private static MethodHandle function(String name, int arity) {
        FunctionDescriptor type = arity == 1
                ? FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT)
                : FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT);
        return Optional.of(Linker.nativeLinker())
                .flatMap(l -> l.defaultLookup().find(name)
                        .map(a -> l.downcallHandle(a, type, Linker.Option.critical(false))))
                .orElse(null);
    }

    /** e^x as the platform's C {@code expf} computes it. */
    public static float expf(float x) {
        return EXPF == null ? (float) Math.exp(x) : unary(EXPF, x);
    }

    /** cos(x) as the platform's C {@code cosf} computes it (glibc: up to about 0.56 ulp, not always correctly rounded). */
    public static float cosf(float x) {
        return COSF == null ? (float) Math.cos(x) : unary(COSF, x);
    }

    /** sin(x) as the platform's C {@code sinf} computes it. */
    public static float sinf(float x) {
        return SINF == null ? (float) Math.sin(x) : unary(SINF, x);
    }

    /** x^y as the platform's C {@code powf} computes it. */
    public static float powf(float x, float y) {
        if (POWF == null) {
            return (float) Math.pow(x, y);
        }
        try {
            return (float) POWF.invokeExact(x, y);
        } catch (Throwable e) {
            throw new IllegalStateException("powf failed", e);
        }
    }

    private static float unary(MethodHandle function, float x) {
        try {
            return (float) function.invokeExact(x);
        } catch (Throwable e) {
            throw new IllegalStateException(function + " failed", e);
        }
    }
}
