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
    /** Splits input at special tokens before tokenizing. */
    private final SpecialTokenPartition partition;
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
        int[] specialTokens = special.stream().mapToInt(Integer::intValue).toArray();
        partition = new SpecialTokenPartition(texts, types, specialTokens,
                SpecialTokenStrip.of(vocab, specialTokens, idOf));

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
            for (SpecialTokenPartition.Fragment f : partition.split(text, parseSpecial)) {
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
