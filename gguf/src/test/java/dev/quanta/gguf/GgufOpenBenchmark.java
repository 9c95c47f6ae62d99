package dev.quanta.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Prints how long opening a large GGUF and reading its vocabulary take. Not a test (no assertions on
 * time); run by hand:
 * <pre>
 * ./mvnw -B -q -o -pl gguf test-compile
 * java -cp gguf/target/classes:gguf/target/test-classes dev.quanta.gguf.GgufOpenBenchmark [dir] [GB]
 * </pre>
 * It writes a synthetic Llama-3-shaped file (128,256 tokens, 280,000 merges, Q8_0 tensors streamed to
 * disk, about 1.5 GB by default) into {@code dir} (default: the temp dir), measures, and deletes it.
 */
public final class GgufOpenBenchmark {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        double gigabytes = args.length > 1 ? Double.parseDouble(args[1]) : 1.5;
        Path file = dir.resolve("quanta-gguf-benchmark.gguf");
        try {
            long t0 = System.nanoTime();
            write(file, gigabytes);
            System.out.printf("write %.2f GB: %.0f ms%n", Files.size(file) / 1e9, ms(t0));

            // The first round runs cold (interpreter, class loading) like a CLI call; later rounds are warm.
            int rounds = 12;
            double[] open = new double[rounds];
            double[] header = new double[rounds];
            double[] vocab = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                long t1 = System.nanoTime();
                try (GgufFile gguf = GgufFile.open(file)) {
                    open[round] = ms(t1);
                    long t2 = System.nanoTime();
                    List<String> tokens = gguf.metadata().getStringArray(GgufKeys.TOKENIZER_TOKENS);
                    float[] scores = gguf.metadata().getFloatArray(GgufKeys.TOKENIZER_SCORES);
                    int[] types = gguf.metadata().getIntArray(GgufKeys.TOKENIZER_TOKEN_TYPE);
                    List<String> merges = gguf.metadata().getStringArray(GgufKeys.TOKENIZER_MERGES);
                    vocab[round] = ms(t2);
                    if (round == 0) {
                        long t3 = System.nanoTime();
                        MemorySegment data = gguf.tensorData(gguf.tensors().getLast());
                        long sum = 0;
                        for (long i = 0; i < data.byteSize(); i += 4096) {
                            sum += data.get(ValueLayout.JAVA_BYTE, i);
                        }
                        System.out.printf("%d tensors, %,d tokens, %,d merges, %d scores, %d types; touching every page of"
                                        + " a %d MB tensor in place: %.1f ms (checksum %d)%n", gguf.tensors().size(),
                                tokens.size(), merges.size(), scores.length, types.length, data.byteSize() >> 20,
                                ms(t3), sum);
                    }
                }
                long t4 = System.nanoTime();
                GgufFile.readHeader(file);
                header[round] = ms(t4);
            }
            report("GgufFile.open (map + parse header)", open);
            report("GgufFile.readHeader", header);
            report("tokens + scores + types + merges to Java", vocab);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void write(Path file, double gigabytes) throws IOException {
        Random random = new Random(7);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 128_256; i++) {
            tokens.add("tok" + Integer.toString(random.nextInt(1 << 30), 36));
        }
        List<String> merges = new ArrayList<>();
        for (int i = 0; i < 280_000; i++) {
            merges.add(tokens.get(i % tokens.size()) + " " + tokens.get((i * 31) % tokens.size()));
        }
        float[] scores = new float[tokens.size()];
        int[] types = new int[tokens.size()];
        Arrays.fill(types, 1);
        GgufWriter w = new GgufWriter()
                .putString(GgufKeys.GENERAL_ARCHITECTURE, "llama")
                .putUInt32(GgufKeys.GENERAL_FILE_TYPE, 7)
                .putStrings(GgufKeys.TOKENIZER_TOKENS, tokens)
                .putFloat32s(GgufKeys.TOKENIZER_SCORES, scores)
                .putInt32s(GgufKeys.TOKENIZER_TOKEN_TYPE, types)
                .putStrings(GgufKeys.TOKENIZER_MERGES, merges);
        long rows = 16_384; // each tensor [2048, 16384] Q8_0: 35.7 MB
        long bytesPerTensor = GgmlType.Q8_0.byteSize(2048 * rows);
        int count = (int) Math.max(1, gigabytes * 1e9 / bytesPerTensor);
        byte[] chunk = new byte[1 << 20];
        random.nextBytes(chunk);
        for (int i = 0; i < count; i++) {
            w.addTensor("blk." + i + ".ffn_up.weight", GgmlType.Q8_0, new long[] {2048, rows}, out -> {
                for (long done = 0; done < bytesPerTensor; ) {
                    int n = (int) Math.min(chunk.length, bytesPerTensor - done);
                    out.write(chunk, 0, n);
                    done += n;
                }
            });
        }
        w.write(file);
    }

    private static void report(String what, double[] ms) {
        double[] warm = Arrays.copyOfRange(ms, 1, ms.length);
        Arrays.sort(warm);
        System.out.printf("%-42s cold %7.1f ms | warm min %6.1f ms, median %6.1f ms (%d runs)%n", what, ms[0], warm[0],
                warm[warm.length / 2], warm.length);
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }
}
