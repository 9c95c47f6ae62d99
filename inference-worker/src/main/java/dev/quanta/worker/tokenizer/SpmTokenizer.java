package dev.quanta.worker.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * SentencePiece-style tokenizer ({@code tokenizer.ggml.model = llama}), as llama.cpp's {@code llm_tokenizer_spm}:
 * spaces become {@code ▁}, a space is prefixed to text at the start and after special tokens
 * ({@code add_space_prefix}), then adjacent symbols are merged greedily by the vocabulary score of their
 * concatenation (highest score first, leftmost on ties); symbols that are not tokens fall back to
 * {@code <0xNN>} byte tokens.
 */
final class SpmTokenizer extends BaseTokenizer {

    static final char SPACE_MARK = '\u2581'; // ▁

    /** [256] byte value → its byte-fallback token id, or {@link #unk} when the vocabulary lacks it. */
    private final int[] byteTokens = new int[256];

    SpmTokenizer(Vocabulary vocab) {
        super(vocab, 1, 2, 0, true);
        for (int b = 0; b < 256; b++) {
            Integer id = idOf.get(String.format("<0x%02X>", b));
            if (id == null && b < 0x80) {
                id = idOf.get(String.valueOf((char) b)); // llama.cpp falls back to the byte as text
            }
            byteTokens[b] = id != null ? id : unk;
        }
    }

    @Override
    void encodeText(String text, boolean afterSpecial, IntList out) {
        String prefixed = addSpacePrefix && afterSpecial ? " " + text : text;
        new Session(prefixed.replace(' ', SPACE_MARK), out).run();
    }

    /** One text's merge state: a doubly linked list of symbols (code points at first) and a queue of candidate merges. */
    private final class Session {
        private final String text;
        private final IntList out;
        /** [n] symbol start (char index in text), length in chars and in UTF-8 bytes (0 = merged away), links. */
        private final int[] start;
        private final int[] chars;
        private final int[] bytes;
        private final int[] prev;
        private final int[] next;
        /** Candidate merges: key (score desc, left), value (right, size in UTF-8 bytes). */
        private final MergeQueue queue;

        Session(String text, IntList out) {
            this.text = text;
            this.out = out;
            int n = text.codePointCount(0, text.length());
            start = new int[n];
            chars = new int[n];
            bytes = new int[n];
            queue = new MergeQueue(n);
            prev = new int[n];
            next = new int[n];
            int pos = 0;
            for (int i = 0; i < n; i++) {
                int cp = text.codePointAt(pos);
                start[i] = pos;
                chars[i] = Character.charCount(cp);
                bytes[i] = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
                pos += chars[i];
            }
        }

        void run() {
            int n = start.length;
            if (n == 0) {
                return;
            }
            for (int i = 1; i < n; i++) {
                tryAddBigram(i - 1, i);
            }
            while (!queue.isEmpty()) {
                int left = MergeQueue.left(queue.topKey());
                int right = MergeQueue.high(queue.topValue());
                int size = MergeQueue.low(queue.topValue());
                queue.pop();
                // skip merges made stale by an earlier merge of either symbol
                if (bytes[left] == 0 || bytes[right] == 0 || bytes[left] + bytes[right] != size) {
                    continue;
                }
                chars[left] += chars[right];
                bytes[left] += bytes[right];
                bytes[right] = 0;
                chars[right] = 0;
                next[left] = next[right];
                if (next[right] >= 0) {
                    prev[next[right]] = left;
                }
                tryAddBigram(prev[left], left);
                tryAddBigram(left, next[left]);
            }
            for (int i = 0; i != -1; i = next[i]) {
                String symbol = text.substring(start[i], start[i] + chars[i]);
                Integer id = idOf.get(symbol);
                if (id != null) {
                    out.add(id);
                } else {
                    // NOTE: merged symbols are always tokens, so only single code points reach the fallback
                    for (byte x : symbol.getBytes(StandardCharsets.UTF_8)) {
                        out.add(byteTokens[x & 0xFF]);
                    }
                }
            }
        }

        private void tryAddBigram(int left, int right) {
            if (left == -1 || right == -1) {
                return;
            }
            Integer id = idOf.get(text.substring(start[left], start[right] + chars[right]));
            if (id != null) {
                queue.push(MergeQueue.byScoreDescending(vocab.score(id), left),
                        MergeQueue.pack(right, bytes[left] + bytes[right]));
            }
        }
    }

    @Override
    byte[] normalPiece(String text) {
        return text.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    byte[] bytePiece(String text) {
        // "<0xNN>"
        if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
