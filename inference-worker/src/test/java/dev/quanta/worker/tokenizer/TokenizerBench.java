package dev.quanta.worker.tokenizer;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Prints tokenizer figures (not a test): vocabulary build time and encode/decode throughput on
 * {@code text/stories-eval.txt} for each shared vocabulary. Run with the test classpath:
 * {@code java -cp <test classpath> dev.quanta.worker.tokenizer.TokenizerBench /work/shared}.
 */
public final class TokenizerBench {

    private TokenizerBench() {}

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : System.getProperty("quanta.shared.dir", "../shared"));
        String text = Files.readString(shared.resolve("text/stories-eval.txt"), StandardCharsets.UTF_8);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("input: stories-eval.txt, %,d bytes%n", bytes);
        String[] files = {"models/stories260K.gguf", "models/vocab/ggml-vocab-llama-spm.gguf",
                "models/vocab/ggml-vocab-llama-bpe.gguf", "models/vocab/ggml-vocab-gpt-2.gguf",
                "models/vocab/ggml-vocab-deepseek-llm.gguf"};
        for (String f : files) {
            GgufMetadata md = GgufFile.readHeader(shared.resolve(f)).metadata();
            Vocabulary vocab = Tokenizers.vocabularyFromGguf(md);
            long buildNs = Long.MAX_VALUE;
            Tokenizer tok = null;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                tok = Tokenizers.of(vocab);
                buildNs = Math.min(buildNs, System.nanoTime() - t0);
            }
            int[] ids = null;
            long encNs = Long.MAX_VALUE;
            long decNs = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                ids = tok.encode(text, true, true);
                long t1 = System.nanoTime();
                String back = tok.decode(ids);
                long t2 = System.nanoTime();
                encNs = Math.min(encNs, t1 - t0);
                decNs = Math.min(decNs, t2 - t1);
                if (back.length() < text.length() / 2) {
                    throw new IllegalStateException("decode lost text");
                }
            }
            System.out.printf("%-40s %7d tokens: build %5.0f ms | encode %,9d tokens in %6.1f ms = %5.1f MB/s, %,.0f tokens/s"
                            + " | decode %5.1f ms%n", f, tok.vocabSize(), buildNs / 1e6, ids.length, encNs / 1e6,
                    bytes / (encNs / 1e9) / 1e6, ids.length / (encNs / 1e9), decNs / 1e6);
        }
    }
}
