package dev.quanta.worker.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What SentencePiece and byte-level BPE share: the text → id map, special-token ids and end-of-generation
 * set, BOS/EOS rules, special-token splitting and pieces for decoding. Subclasses tokenize plain text.
 */
abstract sealed class BaseTokenizer implements Tokenizer permits SpmTokenizer, BpeTokenizer {

    private static final System.Logger LOG = System.getLogger(BaseTokenizer.class.getName());

    /** Texts that end generation (llama.cpp's list); such tokens are also forced to CONTROL. */
    private static final List<String> EOG_TEXTS = List.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>");
    /** Texts taken as the end-of-turn token when the file names none, in order of preference. */
    private static final List<String> EOT_TEXTS = List.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "<｜end▁of▁sentence｜>");

    final Vocabulary vocab;
    /** [vocabSize] token texts. */
    final String[] texts;
    /** [vocabSize] effective types (EOG-looking tokens forced to CONTROL). */
    final TokenType[] types;
    /** Token text → id (the last id wins for duplicate texts, as in llama.cpp). */
    final Map<String, Integer> idOf;
    final int bos;
    final int eos;
    final int eot;
    final int unk;
    final boolean addBos;
    final boolean addEos;
    final boolean addSpacePrefix;
    private final BitSet eog = new BitSet();
    /** Control, user-defined and unknown tokens, longest text first: matched in input before tokenizing. */
    private final int[] specialTokens;
    /** First UTF-16 unit of every special token text: where a match can start. */
    private final BitSet specialFirstChars = new BitSet(1 << 16);
    /** Which special tokens drop the whitespace beside them (llama.cpp's per-family lstrip/rstrip). */
    private final SpecialTokenStrip strip;
    /** [vocabSize] bytes of each token when special tokens are not rendered. */
    private final byte[][] pieces;

    BaseTokenizer(Vocabulary vocab, int defaultBos, int defaultEos, int defaultUnk, boolean defaultAddBos) {
        this.vocab = vocab;
        int n = vocab.size();
        texts = new String[n];
        types = new TokenType[n];
        idOf = HashMap.newHashMap(n);
        for (int i = 0; i < n; i++) {
            String t = vocab.tokens().get(i);
            if (t.isEmpty()) {
                t = "[EMPTY_" + i + "]";
            }
            texts[i] = t;
            types[i] = vocab.type(i);
            idOf.put(t, i);
        }
        bos = resolve(vocab.bosId(), defaultBos, "bos");
        eos = resolve(vocab.eosId(), defaultEos, "eos");
        unk = resolve(vocab.unkId(), defaultUnk, "unknown");
        int eotId = resolve(vocab.eotId(), NO_TOKEN, "eot");
        if (eotId == NO_TOKEN) {
            eotId = firstByText(EOT_TEXTS);
        }
        eot = eotId;
        int eom = resolve(vocab.eomId(), NO_TOKEN, "eom");
        if (eom == NO_TOKEN) {
            eom = firstByText(List.of("<|eom_id|>"));
        }
        addBos = vocab.addBos() != null ? vocab.addBos() : defaultAddBos;
        addEos = vocab.addEos() != null && vocab.addEos();
        addSpacePrefix = vocab.addSpacePrefix() != null ? vocab.addSpacePrefix() : vocab.model() == Vocabulary.Model.SPM;

        for (String text : EOG_TEXTS) {
            Integer id = idOf.get(text);
            if (id != null) {
                eog.set(id);
            }
        }
        for (int id : new int[] {eos, eot, eom}) {
            if (id != NO_TOKEN) {
                eog.set(id);
            }
        }
        for (int id = eog.nextSetBit(0); id >= 0; id = eog.nextSetBit(id + 1)) {
            if (types[id] != TokenType.CONTROL && EOG_TEXTS.contains(texts[id])) {
                types[id] = TokenType.CONTROL; // NOTE: llama.cpp does the same for control-looking tokens typed normal
            }
        }
        if (eot != NO_TOKEN && types[eot] != TokenType.CONTROL && EOT_TEXTS.contains(texts[eot])) {
            types[eot] = TokenType.CONTROL;
        }

        List<Integer> special = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (types[i] == TokenType.CONTROL || types[i] == TokenType.USER_DEFINED || types[i] == TokenType.UNKNOWN) {
                special.add(i);
            }
        }
        // longest first so that e.g. "<|im_start|>" is matched before a shorter token inside it
        special.sort((a, b) -> Integer.compare(utf8Length(texts[b]), utf8Length(texts[a])));
        specialTokens = special.stream().mapToInt(Integer::intValue).toArray();
        for (int id : specialTokens) {
            specialFirstChars.set(texts[id].charAt(0));
        }
        strip = SpecialTokenStrip.of(vocab, specialTokens, idOf);

        pieces = new byte[n][];
        for (int i = 0; i < n; i++) {
            pieces[i] = computePiece(i, false);
        }
    }

    private int resolve(Integer explicit, int fallback, String what) {
        int n = vocab.size();
        if (explicit != null) {
            if (explicit >= 0 && explicit < n) {
                return explicit;
            }
            LOG.log(System.Logger.Level.WARNING, "bad {0} token id {1} for {2} tokens, using the default", what, explicit, n);
        }
        return fallback >= 0 && fallback < n ? fallback : NO_TOKEN;
    }

    private int firstByText(List<String> candidates) {
        for (String text : candidates) {
            Integer id = idOf.get(text);
            if (id != null) {
                return id;
            }
        }
        return NO_TOKEN;
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    // ---- encoding ---------------------------------------------------------------------------------

    @Override
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 3 + 4);
        if (addSpecial && addBos) {
            requirePresent(bos, "BOS");
            out.add(bos);
        }
        boolean prevSpecial = true; // the start of the text counts as "after a special token"
        if (!text.isEmpty()) {
            for (Fragment f : partition(text, parseSpecial)) {
                if (f.token() >= 0) {
                    out.add(f.token());
                    prevSpecial = true;
                } else {
                    encodeText(text.substring(f.start(), f.end()), prevSpecial, out);
                    prevSpecial = false;
                }
            }
        }
        if (addSpecial && addEos) {
            requirePresent(eos, "EOS");
            out.add(eos);
        }
        return out.toArray();
    }

    private static void requirePresent(int id, String what) {
        if (id == NO_TOKEN) {
            throw new IllegalStateException("the vocabulary asks for " + what + " but has no " + what + " token");
        }
    }

    /** Tokenizes text that contains no special tokens; {@code afterSpecial} is true at the start and after a special token. */
    abstract void encodeText(String text, boolean afterSpecial, IntList out);

    /** A piece of the input: a special token ({@code token >= 0}) or raw text {@code [start, end)}. */
    record Fragment(int token, int start, int end) {
        static Fragment text(int start, int end) {
            return new Fragment(-1, start, end);
        }
    }

    /** Splits {@code text} at every occurrence of a special token, longest tokens first (llama.cpp's st_partition). */
    final List<Fragment> partition(String text, boolean parseSpecial) {
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
                List<Fragment> pieces = fragment.token() >= 0 ? null : split(text, fragment, id, special, starts);
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
    private List<Fragment> split(String text, Fragment fragment, int id, String special, IntList starts) {
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

    // ---- decoding ---------------------------------------------------------------------------------

    @Override
    public final String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int i = 0; i < ids.length; i++) {
            byte[] p = pieceRef(ids[i], false);
            if (i == 1 && stripsSpaceAfterBos(ids[0])) {
                p = withoutLeadingSpace(p);
            }
            out.writeBytes(p);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Whether the piece following {@code first} loses one leading space (the space SPM added after BOS). */
    final boolean stripsSpaceAfterBos(int first) {
        return addSpacePrefix && first == bos && bos != NO_TOKEN;
    }

    static byte[] withoutLeadingSpace(byte[] p) {
        return p.length > 0 && p[0] == ' ' ? java.util.Arrays.copyOfRange(p, 1, p.length) : p;
    }

    @Override
    public final byte[] piece(int id, boolean special) {
        return pieceRef(id, special).clone();
    }

    /** Like {@link #piece} but the shared array: callers must not modify it. */
    final byte[] pieceRef(int id, boolean special) {
        checkId(id);
        if (!special || !types[id].isSpecial()) {
            return pieces[id];
        }
        return texts[id].getBytes(StandardCharsets.UTF_8);
    }

    private byte[] computePiece(int id, boolean special) {
        return switch (types[id]) {
            case CONTROL, UNKNOWN -> special ? texts[id].getBytes(StandardCharsets.UTF_8) : new byte[0];
            case USER_DEFINED -> texts[id].getBytes(StandardCharsets.UTF_8);
            case NORMAL -> normalPiece(texts[id]);
            case BYTE -> bytePiece(texts[id]);
            case UNUSED, UNDEFINED -> new byte[0];
        };
    }

    /** Bytes of a normal token's text ({@code ▁} → space for SPM, byte-level decoding for BPE). */
    abstract byte[] normalPiece(String text);

    /** Bytes of a byte token ({@code <0xNN>}). */
    abstract byte[] bytePiece(String text);

    private void checkId(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException("token id " + id + " out of range [0, " + texts.length + ")");
        }
    }

    // ---- accessors --------------------------------------------------------------------------------

    @Override
    public final String tokenText(int id) {
        checkId(id);
        return texts[id];
    }

    /** The effective type of {@code id}. */
    public final TokenType tokenType(int id) {
        checkId(id);
        return types[id];
    }

    @Override
    public final int vocabSize() {
        return texts.length;
    }

    @Override
    public final int bos() {
        return bos;
    }

    @Override
    public final int eos() {
        return eos;
    }

    @Override
    public final int eot() {
        return eot;
    }

    @Override
    public final boolean isEog(int id) {
        return id >= 0 && eog.get(id);
    }

    @Override
    public final boolean addsBos() {
        return addBos;
    }

    @Override
    public final boolean addsEos() {
        return addEos;
    }
}
