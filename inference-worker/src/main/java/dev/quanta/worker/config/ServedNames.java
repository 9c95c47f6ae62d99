package dev.quanta.worker.config;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Served model names the registry accepts as model keys: 1-64 lower-case letters, digits, '.', '_' or '-',
 * starting with a letter or digit (registry-service's {@code ModelKeys.PATTERN}, repeated here because the worker
 * does not depend on the registry).
 */
public final class ServedNames {

    static final Pattern KEY = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

    private ServedNames() {}

    /** {@code models/Stories260K.Q8_0.gguf} → {@code stories260k.q8_0}. */
    public static String fromFile(Path file) {
        String name = file.getFileName().toString();
        if (name.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            name = name.substring(0, name.length() - 5);
        }
        String slug = slug(name);
        return slug.isEmpty() ? "model" : slug;
    }

    public static boolean isValid(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    static String slug(String text) {
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-")
                .replaceAll("-{2,}", "-")
                .replaceAll("^[._-]+", "")
                .replaceAll("[._-]+$", "");
        return slug.length() > 64 ? slug.substring(0, 64).replaceAll("[._-]+$", "") : slug;
    }
}
