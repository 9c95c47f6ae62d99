package dev.quanta.worker.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Where special tokens split a tokenizer's input (llama.cpp's st_partition): control, user-defined and unknown tokens
 * are matched in the raw text, longest first, before the text between them is tokenized; whitespace beside a token
 * is dropped where its family's strip attributes say so ({@link SpecialTokenStrip}).
 */
final class SpecialTokenPartition {

    /** [vocabSize] token texts (shared with the tokenizer, not copied). */
    private final String[] texts;
    /** [vocabSize] effective token types (shared). */
    private final TokenType[] types;
    /** Control, user-defined and unknown tokens, longest text first. */
    private final int[] specialTokens;
    /** First UTF-16 unit of every special token text: where a match can start. */
    private final BitSet specialFirstChars = new BitSet(1 << 16);
    /** Which special tokens drop the whitespace beside them (llama.cpp's per-family lstrip/rstrip). */
    private final SpecialTokenStrip strip;

    SpecialTokenPartition(String[] texts, TokenType[] types, int[] specialTokens, SpecialTokenStrip strip) {
        this.texts = texts;
        this.types = types;
        this.specialTokens = specialTokens;
        this.strip = strip;
        for (int id : specialTokens) {
            specialFirstChars.set(texts[id].charAt(0));
        }
    }

    /** A piece of the input: a special token ({@code token >= 0}) or raw text {@code [start, end)}. */
    record Fragment(int token, int start, int end) {
        static Fragment text(int start, int end) {
            return new Fragment(-1, start, end);
        }
    }

    /**
     * Splits {@code text} at every occurrence of a special token, longest tokens first (llama.cpp's st_partition);
     * without {@code parseSpecial} only user-defined tokens are matched.
     */
    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        fragments.add(Fragment.text(0, text.length()));
        // positions where some special token could start, in increasing order (one pass over the text)
        IntList starts = new IntList(16);
        for (int i = 0; i < text.length(); i++) {
            if (specialFirstChars.get(text.charAt(i))) {
                starts.add(i);
            }
        }
        if (starts.size() == 0) {
            return fragments;
        }
        for (int id : specialTokens) {
            if (!parseSpecial && types[id].isSpecial()) {
                continue; // user-defined tokens are matched even without parse-special, as in llama.cpp
            }
            String special = texts[id];
            List<Fragment> next = null;
            for (int f = 0; f < fragments.size(); f++) {
                Fragment fragment = fragments.get(f);
                List<Fragment> pieces = fragment.token() >= 0 ? null : around(text, fragment, id, special, starts);
                if (pieces != null && next == null) {
                    next = new ArrayList<>(fragments.subList(0, f));
                }
                if (next != null) {
                    if (pieces != null) {
                        next.addAll(pieces);
                    } else {
                        next.add(fragment);
                    }
                }
            }
            if (next != null) {
                fragments = next;
            }
        }
        return fragments;
    }

    /**
     * The pieces of raw {@code fragment} around occurrences of {@code special}, or null when it has none; whitespace
     * beside the token is dropped where the token's strip attributes say so.
     */
    private List<Fragment> around(String text, Fragment fragment, int id, String special, IntList starts) {
        List<Fragment> pieces = null;
        int pos = fragment.start();
        for (int k = firstAtOrAfter(starts, pos); k < starts.size(); k++) {
            int match = starts.get(k);
            if (match + special.length() > fragment.end()) {
                break;
            }
            if (match < pos || !text.startsWith(special, match)) {
                continue;
            }
            if (pieces == null) {
                pieces = new ArrayList<>(3);
            }
            int leftEnd = match;
            while (strip.stripsLeft(id) && leftEnd > pos && SpecialTokenStrip.isSpace(text.charAt(leftEnd - 1))) {
                leftEnd--;
            }
            if (leftEnd > pos) {
                pieces.add(Fragment.text(pos, leftEnd));
            }
            pieces.add(new Fragment(id, match, match + special.length()));
            pos = match + special.length();
            while (strip.stripsRight(id) && pos < fragment.end() && SpecialTokenStrip.isSpace(text.charAt(pos))) {
                pos++;
            }
        }
        if (pieces != null && pos < fragment.end()) {
            pieces.add(Fragment.text(pos, fragment.end()));
        }
        return pieces;
    }

    private static int firstAtOrAfter(IntList sorted, int value) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted.get(mid) < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
