package dev.quanta.planner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Randomised invariants over random model shapes, GPUs and options, with fixed seeds. */
class PlannerInvariantsTest {

    private static final int CASES = 300;
    private final CapacityPlanner planner = new CapacityPlanner(PlannerAssumptions.DEFAULTS);

    private static ModelShape randomModel(Random rnd) {
        int kvHeads = 1 << rnd.nextInt(5);
        int heads = kvHeads * (1 + rnd.nextInt(8));
        int headDim = rnd.nextBoolean() ? 64 : 128;
        double params = 0.5 + rnd.nextDouble() * 400;
        return new ModelShape("m", null, params, params * 2, 1 + rnd.nextInt(120), heads * headDim, heads, kvHeads,
                headDim, 2048 << rnd.nextInt(6), 32000);
    }

    private static GpuSpec randomGpu(Random rnd) {
        boolean cpu = rnd.nextInt(6) == 0;
        Double fp8 = rnd.nextBoolean() ? 100 + rnd.nextDouble() * 2000 : null;
        Double int8 = rnd.nextBoolean() ? 100 + rnd.nextDouble() * 2000 : null;
        Double price = rnd.nextBoolean() ? rnd.nextDouble() * 5 : null;
        return new GpuSpec("g", cpu ? HardwareKind.CPU : HardwareKind.GPU, 8 + rnd.nextDouble() * 200,
                100 + rnd.nextDouble() * 5000, 10 + rnd.nextDouble() * 1000, fp8, int8, price, rnd.nextInt(17),
                cpu ? 8 + rnd.nextInt(120) : null);
    }

    private static PlanOptions randomOptions(Random rnd, ModelShape model) {
        Double quality = rnd.nextBoolean() ? null : rnd.nextDouble() * 20;
        return new PlanOptions(1 + rnd.nextInt(Math.min(model.contextLength(), 32768)), 1 + rnd.nextInt(64), quality);
    }

    private static GpuSpec withMemory(GpuSpec g, double memoryGb) {
        return new GpuSpec(g.name(), g.kind(), memoryGb, g.bandwidthGbPerSecond(), g.fp16Tflops(), g.fp8Tops(),
                g.int8Tops(), g.pricePerHour(), g.available(), g.cores());
    }

    private static GpuSpec withAvailable(GpuSpec g, int available) {
        return new GpuSpec(g.name(), g.kind(), g.memoryGb(), g.bandwidthGbPerSecond(), g.fp16Tflops(), g.fp8Tops(),
                g.int8Tops(), g.pricePerHour(), available, g.cores());
    }

    /**
     * {@code better} is no worse than {@code worse}: feasible if it was; fewer GPUs; then less loss; then faster.
     * Returns whether there was anything to compare.
     */
    private static boolean assertNoWorse(Recommendation better, Recommendation worse) {
        if (worse.method() == null) {
            return false;
        }
        assertThat(better.method()).as("still has a recommendation").isNotNull();
        assertThat(better.gpuCount()).isLessThanOrEqualTo(worse.gpuCount());
        if (better.gpuCount().equals(worse.gpuCount())) {
            assertThat(better.qualityLossPercent()).isLessThanOrEqualTo(worse.qualityLossPercent());
            if (better.method() == worse.method()) {
                assertThat(better.decodeTokensPerSecond()).isGreaterThanOrEqualTo(worse.decodeTokensPerSecond());
            }
        }
        return true;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 42, 20261121})
    void moreMemoryNeverGivesAWorsePlan(long seed) {
        Random rnd = new Random(seed);
        int compared = 0;
        for (int i = 0; i < CASES; i++) {
            ModelShape model = randomModel(rnd);
            GpuSpec gpu = randomGpu(rnd);
            PlanOptions options = randomOptions(rnd, model);
            GpuSpec bigger = withMemory(gpu, gpu.memoryGb() * (1 + rnd.nextDouble()));

            if (assertNoWorse(planner.plan(model, bigger, options).recommendation(),
                    planner.plan(model, gpu, options).recommendation())) {
                compared++;
            }
        }
        assertThat(compared).as("cases with a plan to compare").isGreaterThan(CASES / 5);
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 43, 20261122})
    void moreAvailableGpusNeverRaiseTheGpuCount(long seed) {
        Random rnd = new Random(seed);
        int compared = 0;
        for (int i = 0; i < CASES; i++) {
            ModelShape model = randomModel(rnd);
            GpuSpec gpu = randomGpu(rnd);
            PlanOptions options = randomOptions(rnd, model);
            GpuSpec more = withAvailable(gpu, gpu.available() + 1 + rnd.nextInt(16));

            Recommendation before = planner.plan(model, gpu, options).recommendation();
            Recommendation after = planner.plan(model, more, options).recommendation();
            if (before.method() != null) {
                assertThat(after.gpuCount()).isNotNull().isLessThanOrEqualTo(before.gpuCount());
                compared++;
            }
            assertNoWorse(after, before);
        }
        assertThat(compared).as("cases with a plan to compare").isGreaterThan(CASES / 5);
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 44, 20261123})
    void fewerBitsNeverNeedMoreMemory(long seed) {
        Random rnd = new Random(seed);
        int fitting = 0;
        for (int i = 0; i < CASES; i++) {
            ModelShape model = randomModel(rnd);
            GpuSpec gpu = randomGpu(rnd);
            List<MethodPlan> methods = planner.plan(model, gpu, randomOptions(rnd, model)).methods();
            for (MethodPlan fewer : methods) {
                for (MethodPlan more : methods) {
                    if (fewer.bitsPerWeight() >= more.bitsPerWeight()) {
                        continue;
                    }
                    assertThat(fewer.weightsGb()).isLessThanOrEqualTo(more.weightsGb());
                    if (more.fits()) {
                        fitting++;
                        assertThat(fewer.fits()).as("%s fits where %s does", fewer.method(), more.method()).isTrue();
                        assertThat(fewer.tensorParallel()).isLessThanOrEqualTo(more.tensorParallel());
                        if (fewer.tensorParallel().equals(more.tensorParallel())) {
                            assertThat(fewer.perGpuWeightsGb()).isLessThanOrEqualTo(more.perGpuWeightsGb());
                            assertThat(fewer.maxConcurrentSequences())
                                    .isGreaterThanOrEqualTo(more.maxConcurrentSequences());
                        }
                    }
                }
            }
        }
        assertThat(fitting).as("method pairs where the wider one fits").isGreaterThan(CASES);
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 45})
    void heuristicNeverPicksMoreBitsOnABiggerGpu(long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            double fp16 = 0.5 + rnd.nextDouble() * 800;
            double memory = 4 + rnd.nextDouble() * 200;
            int small = SeedHeuristic.recommendQuant(fp16, memory).bits();
            int big = SeedHeuristic.recommendQuant(fp16, memory * (1 + rnd.nextDouble())).bits();
            assertThat(big).isGreaterThanOrEqualTo(small);
        }
    }
}
