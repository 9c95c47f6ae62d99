package dev.quanta.planner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CPU worker prediction's formula, checked against figures worked out by hand for a tiny model. */
class CpuWorkerModelTest {

    /** 2 layers, width 256, FFN 512, 4 heads of 64 (2 KV heads), vocabulary 1000, context 2048. */
    private static final ModelShape TINY = new ModelShape("tiny", null, 0.001, 0.002, 2, 256, 4, 2, 64, 2048, 1000);

    /**
     * Q4_0: 1 µs per call + 1 GB/s one-token; 10 µs per call + 100 GOPS many-token. Q8_0: free calls, 2 GB/s.
     * Layers: 5 µs + 1 ns per element of (dim + ffn); sampling: 2 ns per vocabulary entry; attention 1000 GOPS.
     */
    private static final CpuCalibration CAL = new CpuCalibration(2, "test kernels", 10, 5e-6, 1e-9, 2e-9, 1000, 128,
            List.of(new CpuCalibration.TypeRate("Q4_0", 1e-6, 1, 10e-6, 100),
                    new CpuCalibration.TypeRate("Q8_0", 0, 2, 0, 200)), null);

    /** Per layer: q 256x256, k/v 128x256, o 256x256, gate/up 512x256, down 256x512 in Q4_0 (bytes = elements). */
    private static List<GgufTensor> tensors(boolean tiedHead) {
        List<GgufTensor> t = new ArrayList<>();
        t.add(new GgufTensor("token_embd.weight", "Q8_0", 256, 1000, 256_000));
        for (int l = 0; l < 2; l++) {
            String b = "blk." + l + ".";
            t.add(new GgufTensor(b + "attn_norm.weight", "F32", 256, 1, 1024));
            t.add(new GgufTensor(b + "attn_q.weight", "Q4_0", 256, 256, 65_536));
            t.add(new GgufTensor(b + "attn_k.weight", "Q4_0", 256, 128, 32_768));
            t.add(new GgufTensor(b + "attn_v.weight", "Q4_0", 256, 128, 32_768));
            t.add(new GgufTensor(b + "attn_output.weight", "Q4_0", 256, 256, 65_536));
            t.add(new GgufTensor(b + "ffn_norm.weight", "F32", 256, 1, 1024));
            t.add(new GgufTensor(b + "ffn_gate.weight", "Q4_0", 256, 512, 131_072));
            t.add(new GgufTensor(b + "ffn_up.weight", "Q4_0", 256, 512, 131_072));
            t.add(new GgufTensor(b + "ffn_down.weight", "Q4_0", 512, 256, 131_072));
        }
        t.add(new GgufTensor("output_norm.weight", "F32", 256, 1, 1024));
        if (!tiedHead) {
            t.add(new GgufTensor("output.weight", "Q8_0", 256, 1000, 512_000));
        }
        return t;
    }

    @Test
    void decodeIsWeightStreamingPlusLayerStepsPlusKvReads() {
        CpuWorkerEstimate e = CpuWorkerModel.predict(TINY, tensors(false), CAL, 2048, 128, 64);
        // per layer 589,824 Q4_0 bytes in 7 calls: 7 µs + 589.824 µs; head 512,000 bytes at 2 GB/s = 256 µs
        double weights = 2 * (7e-6 + 589_824 / 1e9) + 512_000 / 2e9;
        double layers = 2 * (5e-6 + 1e-9 * (256 + 512));
        // K and V of one position in f16: 2 × 2 KV heads × 64 × 2 bytes = 512 bytes per layer; positions 0..63
        double kv = 2 * 512.0 * (64 * 63 / 2.0) / 10e9;
        double sampling = 1000 * 2e-9; // the head's 1000 rows
        double seconds = 64 * (weights + layers + sampling) + kv;
        assertThat(e.decodeTokensPerSecond()).isCloseTo(64 / seconds, within(1e-9 * 64 / seconds));
        assertThat(e.generatedTokens()).isEqualTo(64);
    }

    @Test
    void promptRunsTheLastFfnAndTheHeadForOneTokenOnly() {
        CpuWorkerEstimate e = CpuWorkerModel.predict(TINY, tensors(false), CAL, 2048, 128, 64);
        double many = 0;
        // layer 0: all 7 matrices for 128 tokens; layer 1: q, k, v, o for 128 tokens
        long[][] layer0 = {{256, 256}, {128, 256}, {128, 256}, {256, 256}, {512, 256}, {512, 256}, {256, 512}};
        for (int i = 0; i < layer0.length; i++) {
            double call = 10e-6 + 2.0 * layer0[i][0] * layer0[i][1] * 128 / 100e9;
            many += i < 4 ? 2 * call : call;
        }
        // layer 1's FFN (3 calls, 393,216 bytes) and the head at one-token cost
        double one = 3e-6 + 393_216 / 1e9 + 512_000 / 2e9;
        double layers = 128 * 2 * (5e-6 + 1e-9 * (256 + 512));
        double attention = 2 * 4.0 * 4 * 64 * 128 * 129 / 2 / 1e12;
        double seconds = many + one + layers + attention + 1000 * 2e-9;
        assertThat(e.promptTokensPerSecond()).isCloseTo(128 / seconds, within(1e-9 * 128 / seconds));
    }

    @Test
    void memoryIsEveryTensorsBytesPlusF16KvForTheContextInWholeBlocks() {
        CpuWorkerEstimate e = CpuWorkerModel.predict(TINY, tensors(false), CAL, 100, 128, 64);
        long tensorBytes = 256_000 + 2 * (2 * 1024 + 589_824) + 1024 + 512_000;
        assertThat(e.tensorBytes()).isEqualTo(tensorBytes);
        // 100 tokens occupy 7 blocks of 16 = 112 slots; 2 layers × (K + V) × 2 KV heads × 64 × 2 bytes
        assertThat(e.kvBytes()).isEqualTo(112L * 2 * 2 * 2 * 64 * 2);
        assertThat(e.memoryBytes()).isEqualTo(tensorBytes + e.kvBytes());
    }

    @Test
    void aTiedHeadStreamsTheEmbeddingInstead() {
        CpuWorkerEstimate untied = CpuWorkerModel.predict(TINY, tensors(false), CAL, 2048, 128, 1);
        CpuWorkerEstimate tied = CpuWorkerModel.predict(TINY, tensors(true), CAL, 2048, 128, 1);
        double untiedSeconds = 1 / untied.decodeTokensPerSecond();
        double tiedSeconds = 1 / tied.decodeTokensPerSecond();
        // the head shrinks from 512,000 to 256,000 bytes at 2 GB/s
        assertThat(untiedSeconds - tiedSeconds).isCloseTo(256_000 / 2e9, within(1e-12));
    }

    @Test
    void fasterStreamingOfTheMatricesTypeMeansFasterDecode() {
        CpuCalibration faster = new CpuCalibration(2, "k", 10, 5e-6, 1e-9, 2e-9, 1000, 128, List.of(
                new CpuCalibration.TypeRate("Q4_0", 1e-6, 2, 10e-6, 100),
                new CpuCalibration.TypeRate("Q8_0", 0, 2, 0, 200)), null);
        double slow = CpuWorkerModel.predict(TINY, tensors(false), CAL, 2048, 128, 64).decodeTokensPerSecond();
        double fast = CpuWorkerModel.predict(TINY, tensors(false), faster, 2048, 128, 64)
                .decodeTokensPerSecond();
        assertThat(fast).isGreaterThan(slow);
    }

    @Test
    void aMatrixTypeWithoutCalibratedRateIsNamedAndNotGuessed() {
        List<GgufTensor> withQ6 = new ArrayList<>(tensors(false));
        withQ6.set(withQ6.size() - 1, new GgufTensor("output.weight", "Q6_K", 256, 1000, 210_000));
        assertThat(CpuWorkerModel.uncalibratedTypes(withQ6, CAL)).containsExactly("Q6_K");
        assertThatThrownBy(() -> CpuWorkerModel.predict(TINY, withQ6, CAL, 2048, 128, 64))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Q6_K");
        // 1-D norms are no matrices: F32 needs no rate
        assertThat(CpuWorkerModel.uncalibratedTypes(tensors(false), CAL)).isEmpty();
    }
}
