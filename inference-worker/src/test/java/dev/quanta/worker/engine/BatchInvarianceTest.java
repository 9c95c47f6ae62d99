package dev.quanta.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.Isa;
import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import dev.quanta.worker.model.GoldenFiles;
import dev.quanta.worker.sampling.SamplingParams;
import dev.quanta.worker.synth.SynthPlan;
import dev.quanta.worker.synth.SynthShape;
import dev.quanta.worker.synth.SynthVocab;
import dev.quanta.worker.synth.Synthesizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch invariance, the serving engine's guarantee: at temperature 0 (and with a seed at any temperature) a request's
 * tokens and log-probabilities are bit-identical whether it runs alone, among 8 concurrent requests, after a
 * prefix-cache hit, after preemption, and whatever chunk size its prompt was prefilled in. Checked with the native
 * kernels on every instruction set this machine has, on the stories260K files and on a synth model of each
 * K-quant-free weight type.
 */
class BatchInvarianceTest {

    private static final int GENERATED = 24;

    @TempDir
    static Path tmp;

    static Stream<Arguments> cases() throws Exception {
        List<Arguments> out = new ArrayList<>();
        List<Path> models = new ArrayList<>();
        for (String name : List.of("stories260K", "stories260K-Q8_0", "stories260K-Q4_0")) {
            models.add(GoldenFiles.model(name));
        }
        SynthVocab vocab = SynthVocab.read(GoldenFiles.sharedDir().resolve("models/vocab/ggml-vocab-llama-spm.gguf"));
        for (GgmlType type : List.of(GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K)) {
            Path file = tmp.resolve("tiny-" + type + ".gguf");
            Synthesizer.write(SynthPlan.of(SynthShape.TINY, type, vocab.tokenCount()), vocab, 7, file, b -> {});
            models.add(file);
        }
        for (Isa isa : nativeIsas()) {
            for (Path m : models) {
                out.add(Arguments.of(m.getFileName().toString(), isa, m));
            }
        }
        return out.stream();
    }

    /** Every level up to the best one the native library picked here; the library must load. */
    static List<Isa> nativeIsas() {
        try (KernelOps best = Kernels.create(KernelConfig.withThreads(2))) {
            String d = best.description().toLowerCase(Locale.ROOT);
            assertThat(d).as("native kernels must load").startsWith("native");
            List<Isa> isas = new ArrayList<>();
            for (Isa isa : Isa.values()) {
                isas.add(isa);
                if (d.contains(isa.label() + " ") || d.endsWith(isa.label()) || d.contains(isa.label() + ",")
                        || d.contains(isa.label() + ")")) {
                    if (isa == Isa.AVX512 || !d.contains("avx512")) {
                        break;
                    }
                }
            }
            return isas;
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void outputsDoNotDependOnWhatElseIsInTheBatch(String name, Isa isa, Path model) throws Exception {
        List<int[]> prompts = prompts(model);
        List<EngineRequest> requests = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            SamplingParams sampling = i % 2 == 0 ? SamplingParams.greedy()
                    : new SamplingParams(0.9f, 40, 0.95f, 0.05f, 1234 + i);
            requests.add(new EngineRequest("r" + i, prompts.get(i), sampling,
                    new StopConditions(GENERATED, 0, List.of(), List.of(), true), 1, 5, false, null));
        }
        EngineConfig base = new EngineConfig(2, 0, GgmlType.F16, 256, 512, 16, 64, 16, false);

        // alone, one after another: the reference
        List<String> alone = new ArrayList<>();
        try (LlmEngine engine = open(model, base, isa)) {
            for (EngineRequest r : requests) {
                alone.add(Collected.run(engine, r).fingerprint(0));
            }
            // the same requests again: their prompts now come from the prefix cache
            long hitsBefore = engine.stats().prefixHitTokens();
            for (int i = 0; i < requests.size(); i++) {
                assertThat(Collected.run(engine, requests.get(i)).fingerprint(0)).as("after a prefix hit, request " + i)
                        .isEqualTo(alone.get(i));
            }
            assertThat(engine.stats().prefixHitTokens()).as("prefix hits").isGreaterThan(hitsBefore);
        }
        // all eight at once
        try (LlmEngine engine = open(model, base, isa)) {
            assertThat(concurrently(engine, requests)).as("8 concurrent requests").isEqualTo(alone);
            // and without log-probabilities: the greedy ones then pick their token from the logits where the pass
            // left them, each from its own row of the step's eight
            List<EngineRequest> plain = requests.stream().map(r -> new EngineRequest(r.requestId() + "-plain",
                    r.promptTokens(), r.sampling(), r.stop(), 1, -1, false, "plain")).toList();
            assertThat(concurrentTokens(engine, plain)).as("8 concurrent requests without log-probabilities")
                    .isEqualTo(tokensOf(alone));
        }
        // prompts prefilled in chunks of 5 tokens, decode steps mixed with prompt chunks
        EngineConfig chunked = new EngineConfig(2, 0, GgmlType.F16, 256, 5, 16, 64, 16, false);
        try (LlmEngine engine = open(model, chunked, isa)) {
            assertThat(concurrently(engine, requests)).as("chunked prefill").isEqualTo(alone);
        }
        // a KV pool of 16 blocks cannot hold all eight: sequences are preempted and recomputed
        long bytesPerBlock = 16 * engineBytesPerToken(model, isa);
        EngineConfig tight = new EngineConfig(2, 16.0 * bytesPerBlock / (1L << 30), GgmlType.F16, 256, 512, 16, 64,
                16, false);
        try (LlmEngine engine = open(model, tight, isa)) {
            assertThat(concurrently(engine, requests)).as("under preemption").isEqualTo(alone);
            assertThat(engine.stats().preemptions()).as("preemptions").isPositive();
            assertThat(engine.stats().kvUsage()).isZero();
        }
    }

    private static long engineBytesPerToken(Path model, Isa isa) throws Exception {
        try (LlmEngine engine = open(model, new EngineConfig(1, 0, GgmlType.F16, 256, 16, 1, 1, 16, false), isa)) {
            return engine.stats().kvBytesPerToken();
        }
    }

    private static LlmEngine open(Path model, EngineConfig config, Isa isa) throws Exception {
        return LlmEngine.open(model, config, null, Kernels.create(KernelConfig.withThreads(2).withIsaCap(isa)));
    }

    private static List<String> concurrently(LlmEngine engine, List<EngineRequest> requests) throws Exception {
        return allAtOnce(engine, requests).stream().map(c -> c.fingerprint(0)).toList();
    }

    private static List<String> concurrentTokens(LlmEngine engine, List<EngineRequest> requests) throws Exception {
        return allAtOnce(engine, requests).stream().map(c -> Arrays.toString(c.tokens(0))).toList();
    }

    /** Submits every request before awaiting any, so that they share the engine's steps. */
    private static List<Collected> allAtOnce(LlmEngine engine, List<EngineRequest> requests) throws Exception {
        List<Collected> running = new ArrayList<>();
        for (EngineRequest r : requests) {
            Collected c = new Collected(1);
            engine.submit(r, c);
            running.add(c);
        }
        for (Collected c : running) {
            c.await();
        }
        return running;
    }

    /** The token ids of {@link Collected#fingerprint} strings ({@code id:bits,top... } per token). */
    private static List<String> tokensOf(List<String> fingerprints) {
        return fingerprints.stream().map(f -> Arrays.toString(Arrays.stream(f.trim().split(" "))
                .filter(t -> !t.isEmpty()).mapToInt(t -> Integer.parseInt(t.substring(0, t.indexOf(':')))).toArray()))
                .toList();
    }

    /**
     * Eight prompts of 20 to 55 tokens (long enough to fill prefix blocks), fixed per model; two are 32 and 48 tokens,
     * whole blocks, so their repeats hit every block and compute only their last token again.
     */
    private static List<int[]> prompts(Path model) throws Exception {
        List<int[]> out = new ArrayList<>();
        try (LlmEngine engine = LlmEngine.open(model, new EngineConfig(1, 0, GgmlType.F16, 256, 16, 1, 1, 16, true))) {
            String story = "Once upon a time there was a little girl named Lily. She loved to play outside in the park "
                    + "with her dog Max, and every day they ran to the big tree by the pond to look at the ducks.";
            int[] all = engine.tokenizer().encode(story, true, false);
            for (int i = 0; i < 8; i++) {
                int len = Math.min(all.length, i == 2 ? 32 : i == 5 ? 48 : 20 + 5 * i);
                out.add(Arrays.copyOf(all, len));
            }
        }
        return out;
    }
}
