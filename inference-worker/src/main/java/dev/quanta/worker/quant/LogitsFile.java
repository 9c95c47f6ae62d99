package dev.quanta.worker.quant;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * llama-perplexity's {@code --kl-divergence-base} file, so base logits saved by either tool serve both:
 * <pre>
 * "_logits_"                    8 bytes
 * n_ctx, n_vocab, n_chunk       i32 each
 * tokens                        i32 [n_chunk * n_ctx]   (as tokenized; BOS not substituted)
 * per chunk, per scored token   u16 [nv], nv = 2*((n_vocab+1)/2) + 4:
 *                               f32 scale, f32 min_log_prob (4 u16), then per vocab entry
 *                               q = round((logit - min_logit) / scale), log p = scale * q + min_log_prob
 * </pre>
 * {@code min_logit = max(min logit, max logit - 16)}, {@code scale = (max - min_logit) / 65535}; log-probabilities
 * below -16 relative to the top are clipped to the floor. All little-endian.
 */
final class LogitsFile {

    static final byte[] MAGIC = "_logits_".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private LogitsFile() {}

    static int entryWords(int nVocab) {
        return 2 * ((nVocab + 1) / 2) + 4;
    }

    /** ggml's nearest_int (round half to even through the float adder). */
    static int nearestInt(float x) {
        float val = x + 12582912f;
        return (Float.floatToRawIntBits(val) & 0x007fffff) - 0x00400000;
    }

    /** Writes the header and the scored tokens' compressed log-probabilities, chunk by chunk. */
    static final class Writer implements Closeable {
        private final OutputStream out;
        private final int nVocab;

        Writer(OutputStream out, int nCtx, int nVocab, int nChunk, int[] tokens) throws IOException {
            this.out = new BufferedOutputStream(out, 1 << 20);
            this.nVocab = nVocab;
            this.out.write(MAGIC);
            ByteBuffer h = le(12 + 4L * nChunk * nCtx);
            h.putInt(nCtx).putInt(nVocab).putInt(nChunk);
            for (int i = 0; i < nChunk * nCtx; i++) {
                h.putInt(tokens[i]);
            }
            this.out.write(h.array());
        }

        /** One scored position's logits [nVocab] at {@code off}: llama-perplexity's log_softmax with log_prob. */
        void write(float[] logits, int off) throws IOException {
            float max = logits[off];
            float min = logits[off];
            for (int i = 1; i < nVocab; i++) {
                max = Math.max(max, logits[off + i]);
                min = Math.min(min, logits[off + i]);
            }
            min = Math.max(min, max - 16);
            double sumExp = 0;
            for (int i = 0; i < nVocab; i++) {
                sumExp += (float) Math.exp(logits[off + i] - max);
            }
            float logSumExp = (float) Math.log(sumExp);
            float minLogProb = min - max - logSumExp;
            float scale = (max - min) / 65535f;
            ByteBuffer b = le(2L * entryWords(nVocab));
            b.putFloat(scale).putFloat(minLogProb);
            if (scale != 0f) {
                float inv = 1 / scale;
                for (int i = 0; i < nVocab; i++) {
                    float l = logits[off + i];
                    b.putShort((short) (l > min ? nearestInt(inv * (l - min)) : 0));
                }
            }
            out.write(b.array());
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Reads a base file: header, then one entry (nv u16) per scored position. */
    static final class Reader implements Closeable {
        final int nCtx;
        final int nVocab;
        final int nChunk;
        final int[] tokens;
        private final DataInputStream in;
        private final byte[] entry;

        Reader(Path path) throws IOException {
            InputStream raw = Files.newInputStream(path);
            this.in = new DataInputStream(new BufferedInputStream(raw, 1 << 20));
            try {
                byte[] magic = new byte[8];
                in.readFully(magic);
                if (!java.util.Arrays.equals(magic, MAGIC)) {
                    throw new IOException(path + " is not a saved-logits file (no _logits_ header)");
                }
                ByteBuffer h = readLe(12);
                nCtx = h.getInt();
                nVocab = h.getInt();
                nChunk = h.getInt();
                if (nCtx < 4 || nVocab < 1 || nChunk < 1 || (long) nCtx * nChunk > Integer.MAX_VALUE / 4) {
                    throw new IOException(path + ": implausible header (n_ctx " + nCtx + ", n_vocab " + nVocab
                            + ", n_chunk " + nChunk + ")");
                }
                ByteBuffer t = readLe(4 * nCtx * nChunk);
                tokens = new int[nCtx * nChunk];
                t.asIntBuffer().get(tokens);
                entry = new byte[2 * entryWords(nVocab)];
            } catch (EOFException e) {
                in.close();
                throw new IOException(path + " is truncated", e);
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }

        private ByteBuffer readLe(int n) throws IOException {
            byte[] b = new byte[n];
            in.readFully(b);
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** The next entry's base log-probabilities [nVocab] into {@code logProbs}. */
        void next(float[] logProbs) throws IOException {
            try {
                in.readFully(entry);
            } catch (EOFException e) {
                throw new IOException("saved-logits file is truncated", e);
            }
            ByteBuffer b = ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN);
            float scale = b.getFloat();
            float minLogProb = b.getFloat();
            for (int i = 0; i < nVocab; i++) {
                logProbs[i] = scale * (b.getShort() & 0xFFFF) + minLogProb;
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static ByteBuffer le(long n) {
        return ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
