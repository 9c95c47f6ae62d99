package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * Loads {@code libquanta_kernels} once per JVM and holds its downcall handles (created once, in static finals so
 * the JIT treats them as constants).
 *
 * <p>The library ships inside the kernels jar at {@code /native/<os>-<arch>/libquanta_kernels.so} (built by
 * {@code kernels/native/Makefile} during {@code generate-resources}). When the class path is a directory it is
 * loaded in place, otherwise it is copied to a temporary file first. Any failure (no library for this platform,
 * missing symbol, no native access) leaves {@link #failure()} set and every handle null; callers then use
 * {@link JavaKernelOps}.
 */
final class NativeLibrary {

    static final String LIBRARY = "libquanta_kernels.so";

    static final MethodHandle VERSION;
    static final MethodHandle CPU_FEATURES;
    static final MethodHandle CPU_ISA;
    static final MethodHandle DEFAULT_ISA;
    /** int llmk_quantize_rows(int isa, int act_type, const float *x, void *y, int64 n, int64 nrows) */
    static final MethodHandle QUANTIZE_ROWS;
    /** llmk_quantize_rows with raw addresses (long) for x and y, for pool threads */
    static final MethodHandle QUANTIZE_ROWS_RAW;
    /** int llmk_vec_dot(int isa, int wtype, int64 n, const void *w, const void *x, size_t bx, int nt, float *s) */
    static final MethodHandle VEC_DOT;
    /** int llmk_matmul(isa, wtype, w, int64 rows, int64 cols, xa, int ntok, float *out, int64 r0, int64 r1);
     *  pointers as raw addresses (long) */
    static final MethodHandle MATMUL;
    /** void llmk_rms_norm(isa, float *out, const float *x, const float *w, int dim, int ntok, float eps) */
    /** void llmk_rms_norm(isa, out, x, w (0: none), dim, ntok, eps); pointers as raw addresses (long) */
    static final MethodHandle RMS_NORM;
    /** void llmk_rope(isa, x, cos_sin, ntok, nheads, head_dim, rope_dim, neox); pointers as raw addresses */
    static final MethodHandle ROPE;
    /** void llmk_swiglu(isa, gate, up, int64 rows, int64 n); pointers as raw addresses */
    static final MethodHandle SWIGLU;
    /** void llmk_add(isa, x, y, int64 n); pointers as raw addresses */
    static final MethodHandle ADD;
    /** int llmk_attention(isa, out, q, nq, nheads, nkv, head_dim, k, v, kv_type, block_size, block_tables,
     *  max_blocks, seq_index, seq_lens, scale, int64 item0, int64 item1); pointers as raw addresses (long) */
    static final MethodHandle ATTENTION;
    /** int llmk_packed_type(isa, wtype, int64 rows, int64 cols) */
    static final MethodHandle PACKED_TYPE;
    /** int llmk_pack(isa, wtype, const void *w, int64 rows, int64 cols, void *dst) */
    static final MethodHandle PACK;
    /** int64 llmk_packed_bytes(packed_type, int64 rows, int64 cols) */
    static final MethodHandle PACKED_BYTES;
    /** uint64 llmk_sum_words(isa, const uint64 *p, int64 n); pointer as a raw address (called on pool threads) */
    static final MethodHandle SUM_WORDS;

    private static final String FAILURE;
    private static final String LOCATION;

    static {
        MethodHandle[] h = new MethodHandle[17];
        String failure = null;
        String location = null;
        try {
            Path path = locate();
            location = path.toString();
            SymbolLookup lookup = SymbolLookup.libraryLookup(path, Arena.global());
            Linker linker = Linker.nativeLinker();
            h[0] = handle(linker, lookup, "llmk_version", FunctionDescriptor.of(JAVA_INT));
            h[1] = handle(linker, lookup, "llmk_cpu_features", FunctionDescriptor.of(JAVA_INT));
            h[2] = handle(linker, lookup, "llmk_cpu_isa", FunctionDescriptor.of(JAVA_INT));
            h[3] = handle(linker, lookup, "llmk_default_isa", FunctionDescriptor.of(JAVA_INT));
            h[4] = handle(linker, lookup, "llmk_quantize_rows",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
            h[5] = handle(linker, lookup, "llmk_vec_dot", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
            // NOTE: matmul and attention run on pool threads, so their pointers travel as raw 64-bit addresses
            // (same register class as a pointer on x86-64 and aarch64): a segment of a confined arena may not be
            // passed from another thread, and wrapping addresses per call would allocate. The caller keeps the
            // segments alive because it blocks until every worker is done.
            h[6] = handle(linker, lookup, "llmk_matmul", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG,
                    JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
            // the element-wise steps also run on pool threads: raw addresses, as matmul
            h[7] = handle(linker, lookup, "llmk_rms_norm", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_FLOAT));
            h[8] = handle(linker, lookup, "llmk_rope", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_LONG, JAVA_LONG,
                    JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            h[9] = handle(linker, lookup, "llmk_swiglu",
                    FunctionDescriptor.ofVoid(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
            h[10] = handle(linker, lookup, "llmk_add", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG));
            h[11] = handle(linker, lookup, "llmk_attention", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG,
                    JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT,
                    JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_LONG, JAVA_LONG));
            h[12] = handle(linker, lookup, "llmk_quantize_rows",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
            h[13] = handle(linker, lookup, "llmk_packed_type",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
            h[14] = handle(linker, lookup, "llmk_pack",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
            h[15] = handle(linker, lookup, "llmk_sum_words",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
            h[16] = handle(linker, lookup, "llmk_packed_bytes",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
            int version = (int) h[0].invokeExact();
            if (version != 1) {
                throw new IllegalStateException("library version " + version + ", expected 1");
            }
        } catch (Throwable e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            java.util.Arrays.fill(h, null);
        }
        VERSION = h[0];
        CPU_FEATURES = h[1];
        CPU_ISA = h[2];
        DEFAULT_ISA = h[3];
        QUANTIZE_ROWS = h[4];
        VEC_DOT = h[5];
        MATMUL = h[6];
        RMS_NORM = h[7];
        ROPE = h[8];
        SWIGLU = h[9];
        ADD = h[10];
        ATTENTION = h[11];
        QUANTIZE_ROWS_RAW = h[12];
        PACKED_TYPE = h[13];
        PACK = h[14];
        SUM_WORDS = h[15];
        PACKED_BYTES = h[16];
        FAILURE = failure;
        LOCATION = location;
    }

    private NativeLibrary() {}

    /** Why the library is unavailable, or empty when it loaded. */
    static Optional<String> failure() {
        return Optional.ofNullable(FAILURE);
    }

    static boolean isAvailable() {
        return FAILURE == null;
    }

    /** Where the library was loaded from (for logs), or null. */
    static String location() {
        return LOCATION;
    }

    /** The {@code <os>-<arch>} directory name, e.g. {@code linux-amd64}. */
    static String platform() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "darwin" : os.replace(' ', '_');
        return osName + "-" + System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
    }

    /** Best ISA the CPU runs, regardless of any cap. */
    static Isa cpuIsa() {
        requireAvailable();
        try {
            return Isa.ofLevel((int) CPU_ISA.invokeExact());
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CPU's ISA capped by {@code QUANTA_KERNELS_ISA}. */
    static Isa defaultIsa() {
        requireAvailable();
        try {
            return Isa.ofLevel((int) DEFAULT_ISA.invokeExact());
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code LLMK_CPU_*} bits: 1 AVX2+FMA+F16C, 2 AVX-512 F/BW/VL/DQ, 4 AVX512_VNNI, 8 AMX-INT8 usable (tile state granted). */
    static int cpuFeatures() {
        requireAvailable();
        try {
            return (int) CPU_FEATURES.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static void requireAvailable() {
        if (FAILURE != null) {
            throw new IllegalStateException("native kernels unavailable: " + FAILURE);
        }
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor fd) {
        return linker.downcallHandle(lookup.findOrThrow(name), fd);
    }

    private static Path locate() throws IOException, URISyntaxException {
        String resource = "/native/" + platform() + "/" + LIBRARY;
        URL url = NativeLibrary.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException("no " + resource + " on the class path for this platform");
        }
        if ("file".equals(url.getProtocol())) {
            return Path.of(url.toURI());
        }
        Path tmp = Files.createTempFile("quanta-kernels-", ".so");
        tmp.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
