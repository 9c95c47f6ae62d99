package dev.quanta.worker.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = gpt2}), as llama.cpp's {@code llm_tokenizer_bpe}: the text is
 * split into words by the {@link PreTokenizer}, each word's UTF-8 bytes are mapped to code points
 * ({@link ByteLevel}), then adjacent symbols are merged by merge rank (lowest first, leftmost on ties) until no
 * ranked pair is left.
 */
final class BpeTokenizer extends BaseTokenizer {

    private final PreTokenizer preTokenizer;
    /** {@code "left right"} → rank (index in {@code tokenizer.ggml.merges}). */
    private final Map<String, Integer> ranks;

    BpeTokenizer(Vocabulary vocab) {
        this(vocab, PreTokenizer.forName(vocab.preTokenizer()));
    }

    private BpeTokenizer(Vocabulary vocab, PreTokenizer pre) {
        super(vocab, 11, 11, NO_TOKEN, pre.addsBosByDefault());
        this.preTokenizer = pre;
        List<String> merges = vocab.merges();
        ranks = HashMap.newHashMap(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            String m = merges.get(i);
            if (m.indexOf(' ', 1) < 0) {
                throw new IllegalArgumentException("merge " + i + " is not \"left right\": '" + m + "'");
            }
            ranks.putIfAbsent(m, i); // first occurrence wins, as emplace does in llama.cpp
        }
    }

    PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    @Override
    void encodeText(String text, boolean afterSpecial, IntList out) {
        for (String word : preTokenizer.split(text)) {
            encodeWord(ByteLevel.encode(word), out);
        }
    }

    /** Merges one byte-level word (every char is one byte, so char index = byte index). */
    private void encodeWord(String word, IntList out) {
        if (preTokenizer.ignoreMerges()) {
            Integer whole = idOf.get(word);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int n = word.length();
        // symbols [n]: start offset, length (0 = merged away), links
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>();
        for (int i = 1; i < n; i++) {
            addBigram(word, i - 1, i, len, queue);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            // stale when either side changed since the pair was queued
            if (len[b.left] != b.leftLen || len[b.right] != b.rightLen || next[b.left] != b.right) {
                continue;
            }
            len[b.left] += len[b.right];
            len[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) {
                prev[next[b.right]] = b.left;
            }
            addBigram(word, prev[b.left], b.left, len, queue);
            addBigram(word, b.left, next[b.left], len, queue);
        }
        for (int i = 0; i != -1; i = next[i]) {
            String symbol = word.substring(i, i + len[i]);
            Integer id = idOf.get(symbol);
            if (id != null) {
                out.add(id);
            } else {
                // not a token (a vocabulary without all 256 byte symbols): emit the bytes that are
                for (int j = 0; j < symbol.length(); j++) {
                    Integer single = idOf.get(symbol.substring(j, j + 1));
                    if (single != null) {
                        out.add(single);
                    }
                }
            }
        }
    }

    private void addBigram(String word, int left, int right, int[] len, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) {
            return;
        }
        String key = word.substring(left, left + len[left]) + ' ' + word.substring(right, right + len[right]);
        Integer rank = ranks.get(key);
        if (rank != null) {
            queue.add(new Bigram(left, right, len[left], len[right], rank));
        }
    }

    /** A candidate merge; the queue yields the lowest rank first and, on ties, the leftmost. */
    private record Bigram(int left, int right, int leftLen, int rightLen, int rank) implements Comparable<Bigram> {
        @Override
        public int compareTo(Bigram o) {
            int c = Integer.compare(rank, o.rank);
            return c != 0 ? c : Integer.compare(left, o.left);
        }
    }

    @Override
    byte[] normalPiece(String text) {
        return ByteLevel.decode(text);
    }

    @Override
    byte[] bytePiece(String text) {
        return new byte[0]; // llama.cpp renders nothing for byte-typed tokens in BPE vocabularies
    }
}
