package dev.quanta.registry.model;

import java.text.Normalizer;
import java.util.Locale;

/** Syntax of model keys and family/architecture names, and slugs made from free text. */
public final class ModelKeys {

    /** Lower-case letters, digits, '.', '_', '-'; starts with a letter or digit; at most 64. */
    public static final String PATTERN = "^[a-z0-9][a-z0-9._-]{0,63}$";
    public static final String MESSAGE =
            "must be 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";
    public static final String NAME_PATTERN = PATTERN;
    public static final String NAME_MESSAGE = MESSAGE;

    private ModelKeys() {}

    public static boolean isValid(String key) {
        return key != null && key.matches(PATTERN);
    }

    /** {@code "Qwen2.5 72B Instruct"} → {@code "qwen2.5-72b-instruct"}; empty when nothing usable remains. */
    public static String slug(String text) {
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-")
                .replaceAll("-{2,}", "-")
                .replaceAll("^[._-]+", "")
                .replaceAll("[._-]+$", "");
        return slug.length() > 64 ? slug.substring(0, 64).replaceAll("[._-]+$", "") : slug;
    }
}
