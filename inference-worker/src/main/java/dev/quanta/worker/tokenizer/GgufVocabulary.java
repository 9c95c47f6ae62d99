package dev.quanta.worker.tokenizer;

import dev.quanta.gguf.GgufFormatException;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufMetadata;
import java.util.List;
import java.util.Optional;

/** Reads a {@link Vocabulary} from GGUF metadata ({@code tokenizer.ggml.*} keys). */
final class GgufVocabulary {

    static final String EOM_ID = "tokenizer.ggml.eom_token_id";

    private GgufVocabulary() {}

    static Vocabulary read(GgufMetadata md) throws GgufFormatException {
        String modelName = md.findString(GgufKeys.TOKENIZER_MODEL)
                .orElseThrow(() -> new GgufFormatException("the file has no tokenizer (" + GgufKeys.TOKENIZER_MODEL + " missing)"));
        Vocabulary.Model model;
        try {
            model = Vocabulary.Model.ofGguf(modelName);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(e.getMessage());
        }
        List<String> tokens = md.getStringArray(GgufKeys.TOKENIZER_TOKENS);
        Vocabulary.Builder b = Vocabulary.builder(model, tokens)
                .preTokenizer(md.findString(GgufKeys.TOKENIZER_PRE).orElse(null))
                .bos(id(md, GgufKeys.TOKENIZER_BOS_ID))
                .eos(id(md, GgufKeys.TOKENIZER_EOS_ID))
                .eot(id(md, GgufKeys.TOKENIZER_EOT_ID))
                .eom(id(md, EOM_ID))
                .unk(id(md, GgufKeys.TOKENIZER_UNK_ID))
                .pad(id(md, GgufKeys.TOKENIZER_PAD_ID))
                .addBos(md.findBoolean(GgufKeys.TOKENIZER_ADD_BOS).orElse(null))
                .addEos(md.findBoolean(GgufKeys.TOKENIZER_ADD_EOS).orElse(null))
                .addSpacePrefix(md.findBoolean(GgufKeys.TOKENIZER_ADD_SPACE_PREFIX).orElse(null))
                .modelName(md.findString(GgufKeys.GENERAL_NAME).orElse(null));
        if (md.contains(GgufKeys.TOKENIZER_SCORES)) {
            b.scores(md.getFloatArray(GgufKeys.TOKENIZER_SCORES));
        }
        if (md.contains(GgufKeys.TOKENIZER_TOKEN_TYPE)) {
            b.types(md.getIntArray(GgufKeys.TOKENIZER_TOKEN_TYPE));
        }
        if (md.contains(GgufKeys.TOKENIZER_MERGES)) {
            b.merges(md.getStringArray(GgufKeys.TOKENIZER_MERGES));
        } else if (model == Vocabulary.Model.BPE) {
            throw new GgufFormatException("BPE tokenizer without " + GgufKeys.TOKENIZER_MERGES);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException("bad tokenizer metadata: " + e.getMessage());
        }
    }

    private static Integer id(GgufMetadata md, String key) throws GgufFormatException {
        Optional<Long> v = md.findLong(key);
        if (v.isEmpty()) {
            return null;
        }
        long x = v.get();
        return x >= 0 && x <= Integer.MAX_VALUE ? (int) x : Integer.valueOf(-1); // out of range: default applies
    }
}
