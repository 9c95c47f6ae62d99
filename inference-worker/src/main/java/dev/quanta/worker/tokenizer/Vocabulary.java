package dev.quanta.worker.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything a tokenizer needs from a model, as plain Java values (the GGUF keys named beside each field).
 * Build one with {@link #builder(Model, List)}; {@link Tokenizers#of(Vocabulary)} turns it into a tokenizer.
 *
 * @param model          {@code tokenizer.ggml.model}: SentencePiece-style or byte-level BPE
 * @param preTokenizer   {@code tokenizer.ggml.pre} (BPE only; {@code null} when absent)
 * @param tokens         {@code tokenizer.ggml.tokens}: [vocabSize] token texts, index = id
 * @param scores         {@code tokenizer.ggml.scores}: [vocabSize] merge priorities (SPM), or {@code null}
 * @param types          {@code tokenizer.ggml.token_type}: [vocabSize] {@link TokenType} codes, or {@code null} (all normal)
 * @param merges         {@code tokenizer.ggml.merges}: {@code "left right"} pairs, rank = index (BPE), or empty
 * @param bosId          {@code tokenizer.ggml.bos_token_id}, or {@code null} for the model's default
 * @param eosId          {@code tokenizer.ggml.eos_token_id}, or {@code null} for the model's default
 * @param eotId          {@code tokenizer.ggml.eot_token_id}, or {@code null} (then found by text, e.g. {@code <|eot_id|>})
 * @param eomId          {@code tokenizer.ggml.eom_token_id}, or {@code null} (then found by text {@code <|eom_id|>})
 * @param unkId          {@code tokenizer.ggml.unknown_token_id}, or {@code null} for the model's default
 * @param padId          {@code tokenizer.ggml.padding_token_id}, or {@code null}
 * @param addBos         {@code tokenizer.ggml.add_bos_token}, or {@code null} for the default of model and pre-tokenizer
 * @param addEos         {@code tokenizer.ggml.add_eos_token}, or {@code null} (default false)
 * @param addSpacePrefix {@code tokenizer.ggml.add_space_prefix}, or {@code null} (default: true for SPM, false for BPE)
 * @param modelName      {@code general.name}, or {@code null}: llama.cpp gives some families' special tokens
 *                       whitespace-stripping attributes by this name (see {@link SpecialTokenStrip})
 */
public record Vocabulary(
        Model model,
        String preTokenizer,
        List<String> tokens,
        float[] scores,
        int[] types,
        List<String> merges,
        Integer bosId,
        Integer eosId,
        Integer eotId,
        Integer eomId,
        Integer unkId,
        Integer padId,
        Boolean addBos,
        Boolean addEos,
        Boolean addSpacePrefix,
        String modelName) {

    /** {@code tokenizer.ggml.model} values we support. */
    public enum Model {
        /** {@code llama}: SentencePiece BPE with scores and {@code <0xNN>} byte fallback. */
        SPM("llama"),
        /** {@code gpt2}: byte-level BPE with merges and a regex pre-tokenizer. */
        BPE("gpt2");

        private final String ggufName;

        Model(String ggufName) {
            this.ggufName = ggufName;
        }

        public String ggufName() {
            return ggufName;
        }

        /** @throws IllegalArgumentException for tokenizer models we do not implement (bert, t5, rwkv, ...) */
        public static Model ofGguf(String name) {
            for (Model m : values()) {
                if (m.ggufName.equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unsupported tokenizer model '" + name + "' (supported: llama, gpt2)");
        }
    }

    public Vocabulary {
        Objects.requireNonNull(model, "model");
        tokens = List.copyOf(tokens);
        merges = merges == null ? List.of() : List.copyOf(merges);
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("vocabulary has no tokens");
        }
        if (scores != null && scores.length != tokens.size()) {
            throw new IllegalArgumentException("scores has " + scores.length + " entries for " + tokens.size() + " tokens");
        }
        if (types != null && types.length != tokens.size()) {
            throw new IllegalArgumentException("token_type has " + types.length + " entries for " + tokens.size() + " tokens");
        }
        if (model == Model.BPE && merges.isEmpty()) {
            throw new IllegalArgumentException("BPE vocabulary without merges");
        }
    }

    public int size() {
        return tokens.size();
    }

    /** Type of token {@code id} ({@link TokenType#NORMAL} when the file has no types). */
    public TokenType type(int id) {
        return types == null ? TokenType.NORMAL : TokenType.ofCode(types[id]);
    }

    public float score(int id) {
        return scores == null ? 0f : scores[id];
    }

    public static Builder builder(Model model, List<String> tokens) {
        return new Builder(model, tokens);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && model == v.model && Objects.equals(preTokenizer, v.preTokenizer)
                && tokens.equals(v.tokens) && Arrays.equals(scores, v.scores) && Arrays.equals(types, v.types)
                && merges.equals(v.merges) && Objects.equals(bosId, v.bosId) && Objects.equals(eosId, v.eosId)
                && Objects.equals(eotId, v.eotId) && Objects.equals(eomId, v.eomId) && Objects.equals(unkId, v.unkId)
                && Objects.equals(padId, v.padId) && Objects.equals(addBos, v.addBos) && Objects.equals(addEos, v.addEos)
                && Objects.equals(addSpacePrefix, v.addSpacePrefix) && Objects.equals(modelName, v.modelName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, preTokenizer, tokens, Arrays.hashCode(scores), Arrays.hashCode(types), merges);
    }

    @Override
    public String toString() {
        return "Vocabulary[" + model + ", pre=" + preTokenizer + ", " + tokens.size() + " tokens, " + merges.size() + " merges]";
    }

    /** Optional fields default to "absent" ({@code null}). */
    public static final class Builder {
        private final Model model;
        private final List<String> tokens;
        private String pre;
        private float[] scores;
        private int[] types;
        private List<String> merges = List.of();
        private Integer bos, eos, eot, eom, unk, pad;
        private Boolean addBos, addEos, addSpacePrefix;
        private String modelName;

        private Builder(Model model, List<String> tokens) {
            this.model = model;
            this.tokens = tokens;
        }

        public Builder preTokenizer(String pre) { this.pre = pre; return this; }
        public Builder scores(float[] scores) { this.scores = scores; return this; }
        public Builder types(int[] types) { this.types = types; return this; }
        public Builder merges(List<String> merges) { this.merges = merges; return this; }
        public Builder bos(Integer id) { this.bos = id; return this; }
        public Builder eos(Integer id) { this.eos = id; return this; }
        public Builder eot(Integer id) { this.eot = id; return this; }
        public Builder eom(Integer id) { this.eom = id; return this; }
        public Builder unk(Integer id) { this.unk = id; return this; }
        public Builder pad(Integer id) { this.pad = id; return this; }
        public Builder addBos(Boolean v) { this.addBos = v; return this; }
        public Builder addEos(Boolean v) { this.addEos = v; return this; }
        public Builder addSpacePrefix(Boolean v) { this.addSpacePrefix = v; return this; }
        public Builder modelName(String name) { this.modelName = name; return this; }

        public Vocabulary build() {
            return new Vocabulary(model, pre, tokens, scores, types, merges, bos, eos, eot, eom, unk, pad,
                    addBos, addEos, addSpacePrefix, modelName);
        }
    }
}
