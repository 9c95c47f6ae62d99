package dev.quanta.worker.tokenizer;

/** Factories for {@link Tokenizer}s. */
public final class Tokenizers {

    private Tokenizers() {}

    /** A tokenizer over plain Java vocabulary data. */
    public static Tokenizer of(Vocabulary vocabulary) {
        return switch (vocabulary.model()) {
            case SPM -> new SpmTokenizer(vocabulary);
            case BPE -> new BpeTokenizer(vocabulary);
        };
    }
}
