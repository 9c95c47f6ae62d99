package dev.quanta.worker.quant;

import dev.quanta.kernels.KernelOps;
import dev.quanta.worker.model.LlamaModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Perplexity as {@code llama-perplexity} computes it: the tokens are cut into chunks of {@code ctx} (at least
 * two chunks are needed), each evaluated from an empty cache with BOS first; only the second half is scored —
 * position i (first = ctx/2 ≤ i ≤ ctx-2) predicts token i+1 — so every scored token has at least ctx/2 tokens of
 * context. PPL = exp(mean negative log-likelihood).
 *
 * <p>Against a base model's saved log-probabilities ({@link LogitsFile}, llama-perplexity's
 * {@code --kl-divergence-base} format; the tokens come from that file) it also reports, as llama-perplexity's
 * {@code --kl-divergence}: the KL divergence KL(base ‖ this) per scored position (mean and 99th percentile,
 * interpolated as llama.cpp does) and the fraction of positions whose most likely token is the base's.
 */
public final class Perplexity {

    /**
     * @param ctx        tokens per chunk
     * @param maxChunks  chunks to evaluate at most, or ≤ 0 for all
     * @param maxBatch   tokens per forward pass
     * @param saveLogits where to save this model's log-probabilities as a base for later KL runs, or null
     * @param klBase     a base saved earlier, or null
     */
    public record Options(int ctx, int maxChunks, int maxBatch, Path saveLogits, Path klBase) {}

    /**
     * @param klMean      mean KL divergence (nats), null without a base
     * @param klP99       its 99th percentile, null without a base
     * @param sameTopRate fraction of positions with the base's top token, null without a base
     */
    public record Result(int chunks, int ctx, long scored, double perplexity, Double klMean, Double klP99,
            Double sameTopRate) {}

    private Perplexity() {}

    /**
     * @param tokens   the tokenized text (ignored when {@code options.klBase()} is set: the base's tokens are used)
     * @param bos      the BOS id to put first in each chunk, or -1 when the vocabulary adds none
     * @param progress receives the number of chunks done (null: none)
     * @throws IllegalArgumentException for a text shorter than two contexts or a base that does not match
     */
    public static Result run(LlamaModel model, KernelOps ops, int[] tokens, int bos, Options options,
            IntConsumer progress) throws IOException {
        LogitsFile.Reader base = options.klBase() == null ? null : new LogitsFile.Reader(options.klBase());
        try {
            int ctx = options.ctx();
            int vocab = model.config().vocabSize();
            if (base != null) {
                if (base.nVocab != vocab) {
                    throw new IllegalArgumentException("the KL base has a vocabulary of " + base.nVocab
                            + ", this model " + vocab);
                }
                ctx = base.nCtx;
                tokens = base.tokens;
            }
            if (ctx < 4) {
                throw new IllegalArgumentException("--ctx must be at least 4, got " + ctx);
            }
            if (tokens.length < 2 * ctx) {
                throw new IllegalArgumentException("the text is too short: it tokenizes to " + tokens.length
                        + " tokens, and a context of " + ctx + " needs at least " + 2 * ctx);
            }
            int chunks = tokens.length / ctx;
            if (options.maxChunks() > 0) {
                chunks = Math.min(chunks, options.maxChunks());
            }
            if (base != null) {
                chunks = Math.min(chunks, base.nChunk);
            }
            return evaluate(model, ops, tokens, bos, ctx, chunks, options, base, progress);
        } finally {
            if (base != null) {
                base.close();
            }
        }
    }

    private static Result evaluate(LlamaModel model, KernelOps ops, int[] tokens, int bos, int ctx, int chunks,
            Options options, LogitsFile.Reader base, IntConsumer progress) throws IOException {
        int vocab = model.config().vocabSize();
        int first = ctx / 2;
        int scoredPerChunk = ctx - 1 - first;
        double nll = 0;
        long count = 0;
        double sumKld = 0;
        long sameTop = 0;
        float[] kld = base == null ? null : new float[scoredPerChunk * chunks];
        float[] baseLogProbs = new float[vocab];
        Path tmp = null;
        OutputStream saveStream = null;
        LogitsFile.Writer save = null;
        try (ChunkEvaluator eval = new ChunkEvaluator(model, ops, ctx, bos, options.maxBatch())) {
            if (options.saveLogits() != null) {
                tmp = options.saveLogits().resolveSibling(options.saveLogits().getFileName() + ".partial-"
                        + Long.toHexString(System.nanoTime()));
                saveStream = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                save = new LogitsFile.Writer(saveStream, ctx, vocab, chunks, tokens);
            }
            for (int c = 0; c < chunks; c++) {
                int start = c * ctx;
                float[] logits = eval.evaluate(tokens, start, first);
                for (int i = 0; i < scoredPerChunk; i++) {
                    int off = i * vocab;
                    int next = tokens[start + first + i + 1];
                    if (save != null) {
                        save.write(logits, off);
                    }
                    float max = logits[off];
                    int imax = 0;
                    for (int v = 1; v < vocab; v++) {
                        if (logits[off + v] > max) {
                            max = logits[off + v];
                            imax = v;
                        }
                    }
                    double sumExp = 0;
                    for (int v = 0; v < vocab; v++) {
                        sumExp += (float) Math.exp(logits[off + v] - max);
                    }
                    float logSumExp = (float) Math.log(sumExp);
                    nll += max + logSumExp - logits[off + next];
                    count++;
                    if (base != null) {
                        base.next(baseLogProbs);
                        double k = klDivergence(baseLogProbs, logits, off, max + logSumExp);
                        kld[(int) count - 1] = (float) k;
                        sumKld += k;
                        if (imax == argmaxFirst(baseLogProbs)) {
                            sameTop++;
                        }
                    }
                }
                if (progress != null) {
                    progress.accept(c + 1);
                }
            }
            if (save != null) {
                save.close();
                save = null;
                Files.move(tmp, options.saveLogits(), StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            }
        } finally {
            if (save != null) {
                save.close();
            } else if (saveStream != null && tmp != null) {
                saveStream.close();
            }
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
        double ppl = Math.exp(nll / count);
        if (base == null) {
            return new Result(chunks, ctx, count, ppl, null, null, null);
        }
        Arrays.sort(kld);
        return new Result(chunks, ctx, count, ppl, sumKld / count, percentile(kld, 0.99f), (double) sameTop / count);
    }

    /** Σ p_base · (log p_base - log p) over the base entries above e^-16, as llama-perplexity sums it. */
    static double klDivergence(float[] baseLogProbs, float[] logits, int off, float logNorm) {
        double sum = 0;
        for (int v = 0; v < baseLogProbs.length; v++) {
            float lb = baseLogProbs[v];
            if (lb > -16f) {
                float pb = (float) Math.exp(lb);
                sum += pb * (lb - logits[off + v] + logNorm);
            }
        }
        return sum;
    }

    /** The index of the largest value; the first one wins ties (llama.cpp's {@code p_log_base > max} scan). */
    static int argmaxFirst(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** llama-perplexity's percentile of sorted values: linear interpolation at fraction·(n-1). */
    static double percentile(float[] sorted, float fraction) {
        float p = fraction * (sorted.length - 1);
        int ip = (int) p;
        p -= ip;
        return (1 - p) * sorted[ip] + p * sorted[Math.min(ip + 1, sorted.length - 1)];
    }
}
