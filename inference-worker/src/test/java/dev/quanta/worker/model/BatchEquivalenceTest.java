package dev.quanta.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.Isa;
import dev.quanta.kernels.JavaKernelOps;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.NativeKernelOps;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several sequences in one pass give each the logits it gets alone, bit for bit, with the Java reference kernels and
 * with the native ones on every instruction set this CPU has (the native library must load: a load failure fails
 * the test); the pass rejects batches it cannot run.
 */
class BatchEquivalenceTest {

    static List<Arguments> modelsAndKernels() {
        assertThat(NativeKernelOps.isAvailable()).as("native kernel library loaded").isTrue();
        List<Named<Supplier<KernelOps>>> kernels = new ArrayList<>();
        kernels.add(Named.of("java", JavaKernelOps::new));
        for (Isa isa : Isa.values()) {
            if (isa.level() <= NativeKernelOps.cpuIsa().orElseThrow().level()) {
                kernels.add(Named.of("native " + isa.label(), () -> NativeKernelOps.withIsa(2, isa)));
            }
        }
        List<Arguments> args = new ArrayList<>();
        for (String model : List.of("stories260K", "stories260K-Q8_0", "stories260K-Q4_0")) {
            for (Named<Supplier<KernelOps>> k : kernels) {
                args.add(Arguments.of(model, k));
            }
        }
        return args;
    }

    /** A stories260K file's forward pass over a KV cache of 8 blocks of 16 positions. */
    private record Pass(LlamaModel model, KvCache cache, KernelOps ops, ForwardPass pass) implements AutoCloseable {
        static Pass open(String modelName, Supplier<KernelOps> kernels) throws Exception {
            LlamaModel model = LlamaModel.open(GoldenFiles.model(modelName));
            KvCache cache = new KvCache(model.config(), 8, 16, GgmlType.F16);
            KernelOps ops = kernels.get();
            return new Pass(model, cache, ops, new ForwardPass(model, cache, ops, 32, 2));
        }

        @Override
        public void close() throws Exception {
            try (model; cache; ops; pass) {
                // closed in reverse order: pass, ops, cache, model
            }
        }
    }

    private static final int[] PROMPT_A = {1, 403, 407, 261, 378};       // "Once upon a time"
    private static final int[] PROMPT_B = {1, 365, 261, 376, 298, 315, 421}; // arbitrary ids of the vocabulary

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("modelsAndKernels")
    void twoSequencesInOneBatchGetTheSameLogitsAsAlone(String modelName, Supplier<KernelOps> kernels)
            throws Exception {
        try (Pass p = Pass.open(modelName, kernels)) {
            ForwardPass pass = p.pass();
            int vocab = p.model().config().vocabSize();
            int[] tableA = {0, 1};
            int[] tableB = {5, 3}; // not consecutive, not in order: the pass only follows tables

            float[] aloneA = run(pass, prompt(PROMPT_A, tableA, null, null), vocab)[0];
            float[] aloneB = run(pass, prompt(PROMPT_B, tableB, null, null), vocab)[0];
            float[][] together = run(pass, prompt(PROMPT_A, tableA, PROMPT_B, tableB), vocab);
            assertThat(together[0]).containsExactly(aloneA);
            assertThat(together[1]).containsExactly(aloneB);

            // a decode step for both sequences at once, on top of their cached prompts
            Batch step = new Batch(4);
            step.add(432, PROMPT_A.length, tableA, true);
            step.add(383, PROMPT_B.length, tableB, true);
            float[][] both = run(pass, step, vocab);
            Batch onlyB = new Batch(4).add(383, PROMPT_B.length, tableB, true);
            assertThat(run(pass, onlyB, vocab)[0]).containsExactly(both[1]);
        }
    }

    /**
     * A prefix-cache hit on every position recomputes only the last one, for its logits, without storing its K/V
     * (its block is shared): the token attends to the cached K/V, so it gets the logits it got when it stored them,
     * and its cache slot is left as it was (zeroed here, so a write would show).
     */
    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("modelsAndKernels")
    void aTokenWhoseKvIsCachedGetsItsLogitsWithoutWritingTheCache(String modelName, Supplier<KernelOps> kernels)
            throws Exception {
        try (Pass p = Pass.open(modelName, kernels)) {
            int[] table = {2}; // one block (id 2) holds positions 0..15
            int last = PROMPT_A.length - 1;
            KvCache cache = p.cache();
            LlamaModel model = p.model();
            int vocab = model.config().vocabSize();
            float[] stored = run(p.pass(), prompt(PROMPT_A, table, null, null), vocab)[0];

            Batch again = new Batch(1).add(PROMPT_A[last], last, table, true, false);
            assertThat(run(p.pass(), again, vocab)[0]).containsExactly(stored);

            long slot = cache.offset(table[0], last, 0);
            long bytes = (long) model.config().kvDim() * cache.elementBytes();
            for (int l = 0; l < model.config().numLayers(); l++) {
                cache.keys(l).asSlice(slot, bytes).fill((byte) 0);
                cache.values(l).asSlice(slot, bytes).fill((byte) 0);
            }
            run(p.pass(), again, vocab);
            for (int l = 0; l < model.config().numLayers(); l++) {
                assertThat(cache.keys(l).asSlice(slot, bytes).toArray(ValueLayout.JAVA_BYTE)).as("keys, layer " + l)
                        .containsOnly((byte) 0);
                assertThat(cache.values(l).asSlice(slot, bytes).toArray(ValueLayout.JAVA_BYTE))
                        .as("values, layer " + l).containsOnly((byte) 0);
            }
        }
    }

    @Test
    void rejectsTokensOutsideTheVocabularyAndPositionsWithoutBlocks() throws Exception {
        try (LlamaModel model = LlamaModel.open(GoldenFiles.model("stories260K"));
             KvCache cache = new KvCache(model.config(), 2, 16, GgmlType.F16);
             ForwardPass pass = new ForwardPass(model, cache, new JavaKernelOps(), 4, 1)) {
            assertThatThrownBy(() -> pass.forward(new Batch(1).add(512, 0, new int[] {0}, true)))
                    .hasMessageContaining("outside the vocabulary");
            assertThatThrownBy(() -> pass.forward(new Batch(1).add(1, 16, new int[] {0}, true)))
                    .hasMessageContaining("not covered");
            assertThatThrownBy(() -> pass.forward(new Batch(1).add(1, 0, new int[] {7}, true)))
                    .hasMessageContaining("outside the cache");
        }
    }

    private static Batch prompt(int[] a, int[] tableA, int[] b, int[] tableB) {
        Batch batch = new Batch(32);
        for (int i = 0; i < a.length; i++) {
            batch.add(a[i], i, tableA, i == a.length - 1);
        }
        if (b != null) {
            for (int i = 0; i < b.length; i++) {
                batch.add(b[i], i, tableB, i == b.length - 1);
            }
        }
        return batch;
    }

    private static float[][] run(ForwardPass pass, Batch batch, int vocab) {
        MemorySegment logits = pass.forward(batch);
        float[][] rows = new float[batch.numLogits()][vocab];
        for (int r = 0; r < rows.length; r++) {
            MemorySegment.copy(logits, ValueLayout.JAVA_FLOAT_UNALIGNED, (long) r * vocab * 4, rows[r], 0, vocab);
        }
        return rows;
    }
}
