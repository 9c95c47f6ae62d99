package dev.quanta.worker.synth;

import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small SentencePiece-style vocab GGUF written for tests (no model weights, just tokenizer keys). */
final class TinyVocab {

    static final int TOKENS = 300;

    private TinyVocab() {}

    static Path write(Path dir) throws IOException {
        List<String> tokens = new ArrayList<>();
        float[] scores = new float[TOKENS];
        int[] types = new int[TOKENS];
        tokens.add("<unk>");
        tokens.add("<s>");
        tokens.add("</s>");
        types[0] = 2;
        types[1] = 3;
        types[2] = 3;
        for (int i = 3; i < TOKENS; i++) {
            tokens.add("\u2581tok" + i);
            scores[i] = -i;
            types[i] = 1;
        }
        Path path = dir.resolve("tiny-vocab.gguf");
        new GgufWriter()
                .putString(GgufKeys.GENERAL_ARCHITECTURE, "llama")
                .putString(GgufKeys.GENERAL_NAME, "tiny vocab")
                .putUInt32(GgufKeys.blockCount("llama"), 99) // must not leak into the generated model
                .putString(GgufKeys.TOKENIZER_MODEL, "llama")
                .putString(GgufKeys.TOKENIZER_PRE, "default")
                .putStrings(GgufKeys.TOKENIZER_TOKENS, tokens)
                .putFloat32s(GgufKeys.TOKENIZER_SCORES, scores)
                .putInt32s(GgufKeys.TOKENIZER_TOKEN_TYPE, types)
                .putUInt32(GgufKeys.TOKENIZER_BOS_ID, 1)
                .putUInt32(GgufKeys.TOKENIZER_EOS_ID, 2)
                .putBool(GgufKeys.TOKENIZER_ADD_BOS, true)
                .write(path);
        return path;
    }
}
