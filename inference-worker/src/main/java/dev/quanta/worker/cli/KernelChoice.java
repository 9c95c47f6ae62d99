package dev.quanta.worker.cli;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufTensorInfo;
import dev.quanta.kernels.JavaKernelOps;
import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import dev.quanta.worker.model.LlamaModel;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * Kernels for the measuring commands: the native library when it multiplies every weight type of the model,
 * else the Java reference (a weight type the native library lacks), with a note on stderr.
 */
final class KernelChoice {

    private KernelChoice() {}

    static KernelOps forModel(LlamaModel model, int threads, boolean javaOnly, PrintWriter err, String command) {
        return forModel(model, threads, javaOnly, true, err, command);
    }

    /** The same, with repacking {@code repack} on or off ({@link KernelConfig#repack()}). */
    static KernelOps forModel(LlamaModel model, int threads, boolean javaOnly, boolean repack, PrintWriter err,
            String command) {
        KernelConfig config = KernelConfig.withThreads(threads).withRepack(repack);
        if (javaOnly) {
            return Kernels.create(config.javaOnly());
        }
        KernelOps ops = Kernels.create(config);
        if (ops instanceof JavaKernelOps) {
            return ops;
        }
        Set<GgmlType> types = EnumSet.noneOf(GgmlType.class);
        for (GgufTensorInfo t : model.file().tensors()) {
            if (t.nDims() >= 2) {
                types.add(t.type());
            }
        }
        for (GgmlType type : types) {
            if (!multiplies(ops, type)) {
                ops.close();
                err.println("quanta " + command + ": note: the native kernels do not multiply " + type
                        + " yet; using the Java reference kernels");
                err.flush();
                return Kernels.create(config.javaOnly());
            }
        }
        return ops;
    }

    /** One 1 x block product of zeros: whether {@code ops} accepts {@code type} at all. */
    private static boolean multiplies(KernelOps ops, GgmlType type) {
        int cols = type.blockSize() == 1 ? 32 : type.blockSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(type.byteSize(cols), 64);
            MemorySegment x = arena.allocate(4L * cols, 64);
            MemorySegment out = arena.allocate(4, 64);
            ops.matmul(type, w, 1, cols, x, out, 1);
            return true;
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            return false;
        }
    }
}
