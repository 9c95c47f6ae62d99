package dev.quanta.worker.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streaming detokenization for one sequence: feed generated ids one at a time and get the text that is
 * complete so far. Bytes of a UTF-8 character split over several tokens (byte-fallback {@code <0xE2>},
 * byte-level pieces) are held back until the character is complete, so a stream never shows half a character.
 * The concatenation of all {@link #push} results and {@link #flush()} equals {@link Tokenizer#decode} of the ids.
 *
 * <p>Not thread-safe: one instance per sequence.
 */
public final class Detokenizer {

    private final Tokenizer tokenizer;
    private final boolean special;
    /** Bytes not yet returned: at most the 1-3 leading bytes of an incomplete UTF-8 character. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(8);
    private int count;
    private int first = Tokenizer.NO_TOKEN;

    public Detokenizer(Tokenizer tokenizer) {
        this(tokenizer, false);
    }

    /** @param special render control tokens as their text (e.g. {@code <|eot_id|>}) instead of nothing */
    public Detokenizer(Tokenizer tokenizer, boolean special) {
        this.tokenizer = tokenizer;
        this.special = special;
    }

    /** Adds one token; returns the newly completed text (possibly empty). */
    public String push(int id) {
        byte[] piece = tokenizer instanceof BaseTokenizer base ? base.pieceRef(id, special) : tokenizer.piece(id, special);
        if (count == 0) {
            first = id;
        } else if (count == 1 && tokenizer instanceof BaseTokenizer base && base.stripsSpaceAfterBos(first)) {
            piece = BaseTokenizer.withoutLeadingSpace(piece);
        }
        count++;
        pending.writeBytes(piece);
        byte[] buf = pending.toByteArray();
        int complete = completePrefix(buf);
        pending.reset();
        pending.write(buf, complete, buf.length - complete);
        return new String(buf, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns whatever is still held back (an incomplete character becomes U+FFFD) and empties the buffer. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /** Number of bytes held back waiting for the rest of a character. */
    public int pendingBytes() {
        return pending.size();
    }

    /**
     * Length of the longest prefix of {@code b} that does not end inside a UTF-8 character which later bytes
     * could still complete. Invalid bytes are not held (they decode to U+FFFD at once).
     */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // look back over at most 3 continuation bytes for the lead byte of the last character
        for (int back = 1; back <= Math.min(4, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) {
                continue; // continuation byte
            }
            int need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
            return back < need ? n - back : n;
        }
        return n;
    }
}
