package dev.quanta.worker.tokenizer;

/**
 * Text ↔ token ids for one model vocabulary, with llama.cpp's semantics.
 *
 * <p>Implementations are immutable and thread-safe. Obtain one with {@link Tokenizers#fromGguf}
 * or {@link Tokenizers#of(Vocabulary)}.
 */
public interface Tokenizer {

    /** Id used where a vocabulary has no such special token. */
    int NO_TOKEN = -1;

    /**
     * Tokenizes {@code text}.
     *
     * @param addSpecial   add BOS / EOS where the vocabulary says so ({@code tokenizer.ggml.add_bos_token},
     *                     {@code add_eos_token}, or the tokenizer model's default)
     * @param parseSpecial recognise control tokens such as {@code <|begin_of_text|>} written in the text;
     *                     user-defined tokens are always recognised (as llama.cpp does)
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /**
     * The text of {@code ids}: the UTF-8 bytes of every token's piece concatenated and decoded (invalid
     * sequences become U+FFFD). Control and unknown tokens contribute nothing. When the sequence starts
     * with BOS and the vocabulary prefixes text with a space (SentencePiece {@code add_space_prefix}),
     * that one space is removed again, so {@code decode(encode(s, true, false)) == s}.
     */
    String decode(int[] ids);

    /** The vocabulary entry of {@code id} as stored in the model (e.g. {@code "▁the"}, {@code "Ġthe"}, {@code "<0x0A>"}). */
    String tokenText(int id);

    /**
     * The bytes {@code id} stands for in text (byte-fallback and byte-level tokens give raw bytes, possibly
     * part of a UTF-8 character).
     *
     * @param special also render control/unknown tokens as their text (otherwise they give no bytes)
     */
    byte[] piece(int id, boolean special);

    /** Number of tokens in the vocabulary; valid ids are {@code 0 .. vocabSize()-1}. */
    int vocabSize();

    /** Beginning-of-sequence id, or {@link #NO_TOKEN}. */
    int bos();

    /** End-of-sequence id, or {@link #NO_TOKEN}. */
    int eos();

    /** End-of-turn id (e.g. {@code <|eot_id|>}, {@code <|im_end|>}), or {@link #NO_TOKEN}. */
    int eot();

    /** Whether generation should stop after {@code id} (EOS, EOT, EOM and end-of-generation tokens). */
    boolean isEog(int id);

    /** Whether {@link #encode} with {@code addSpecial} prepends BOS. */
    boolean addsBos();

    /** Whether {@link #encode} with {@code addSpecial} appends EOS. */
    boolean addsEos();

    /** A fresh streaming detokenizer over this vocabulary (one per generated sequence). */
    default Detokenizer detokenizer() {
        return new Detokenizer(this);
    }
}
