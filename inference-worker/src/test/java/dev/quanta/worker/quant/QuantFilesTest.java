package dev.quanta.worker.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The imatrix GGUF and saved-logits formats, and pruning's selection, without a model. */
class QuantFilesTest {

    @TempDir
    Path dir;

    @Test
    void imatrixRoundTripsThroughItsGgufFormat() throws IOException {
        Imatrix im = new Imatrix(Map.of("blk.0.attn_q.weight", new Imatrix.Entry(new float[] {1f, 4f, 0.5f, 2f}, 8),
                "blk.1.ffn_down.weight", new Imatrix.Entry(new float[] {3f, 3f}, 0)), List.of("calib.txt"), 2, 512);
        Path f = dir.resolve("im.gguf");
        ImatrixFile.write(im, f);
        Imatrix back = ImatrixFile.read(f);
        assertThat(back.datasets()).containsExactly("calib.txt");
        assertThat(back.chunkCount()).isEqualTo(2);
        assertThat(back.chunkSize()).isEqualTo(512);
        assertThat(back.entries().get("blk.0.attn_q.weight").inSum2()).containsExactly(1f, 4f, 0.5f, 2f);
        assertThat(back.weightsFor("blk.0.attn_q.weight")).containsExactly(0.125f, 0.5f, 0.0625f, 0.25f);
        assertThat(back.weightsFor("blk.1.ffn_down.weight")).as("never seen: ones").containsExactly(1f, 1f);
        assertThat(back.weightsFor("output.weight")).isNull();
    }

    @Test
    void rejectsAModelFileAsAnImatrix() throws IOException {
        Path notImatrix = dir.resolve("m.gguf");
        TinyF16Model.write(notImatrix, 1);
        assertThatThrownBy(() -> ImatrixFile.read(notImatrix)).isInstanceOf(IOException.class)
                .hasMessageContaining("not an imatrix");
    }

    @Test
    void savedLogitsRoundTripWithinTheirQuantization() throws IOException {
        float[] logits = {2.0f, -1.0f, 0.5f, -30f, 7.25f};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (LogitsFile.Writer w = new LogitsFile.Writer(bytes, 4, 5, 1, new int[] {1, 2, 3, 4})) {
            w.write(logits, 0);
        }
        Path f = dir.resolve("l.bin");
        Files.write(f, bytes.toByteArray());
        try (LogitsFile.Reader r = new LogitsFile.Reader(f)) {
            assertThat(r.nCtx).isEqualTo(4);
            assertThat(r.tokens).containsExactly(1, 2, 3, 4);
            float[] lp = new float[5];
            r.next(lp);
            double norm = 0;
            for (float l : logits) {
                norm += Math.exp(l - 7.25);
            }
            double logNorm = 7.25 + Math.log(norm);
            for (int i = 0; i < 5; i++) {
                double want = Math.max(logits[i] - logNorm, 7.25 - 16 - logNorm);
                assertThat((double) lp[i]).as("entry %d", i).isCloseTo(want, org.assertj.core.data.Offset.offset(2e-4));
            }
            assertThatThrownBy(() -> r.next(lp)).hasMessageContaining("truncated");
        }
    }

    @Test
    void percentileInterpolatesAsLlamaPerplexity() {
        float[] sorted = {0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f};
        assertThat(Perplexity.percentile(sorted, 0.99f)).isCloseTo(9.9, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(Perplexity.percentile(sorted, 0.5f)).isEqualTo(5.0);
    }

    @Test
    void pruningZeroesTheSmallestMagnitudesAndBreaksTiesByPosition() {
        float[] v = {0.5f, -0.1f, 0.2f, -0.2f, 0.9f, 0.2f};
        assertThat(Pruner.zeroSmallest(v, 3)).isEqualTo(3);
        assertThat(v).containsExactly(0.5f, 0f, 0f, 0f, 0.9f, 0.2f);
        float[] w = {1f, 2f};
        assertThat(Pruner.zeroSmallest(w, 0)).isZero();
        assertThat(w).containsExactly(1f, 2f);
    }
}
