package dev.quanta.planner.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Name matching for GPUs and models: case-insensitive, aliases, and "did you mean" suggestions.
 *
 * <p>A GPU answers to its name with case and separators ignored ({@code l40s-48gb}, {@code L40S_48GB}),
 * to the name without its memory suffix ({@code L40S}, {@code H100}, {@code T4}) and, for consumer
 * cards, without the {@code RTX} prefix ({@code 4090}). An alias shared by two names ({@code A100} for
 * A100-40GB and A100-80GB) resolves to neither.
 */
public final class Names {

    private Names() {}

    /** Lower case with '-', '_', ' ' and '.' removed. */
    public static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_ .]", "");
    }

    /** Every normalised form {@code name} answers to. */
    public static Set<String> aliases(String name) {
        Set<String> out = new LinkedHashSet<>();
        String full = normalize(name);
        out.add(full);
        // NOTE: the memory suffix is cut from the raw name, where a separator or a letter marks where the
        // size starts ("H100-80GB" → "H100"); on the normalised form the digits would run together.
        String withoutMemory = normalize(name.replaceFirst("(?i)([-_ ]\\d+|(?<=[a-z])\\d+)gb$", ""));
        if (!withoutMemory.isEmpty()) {
            out.add(withoutMemory);
        }
        for (String form : List.copyOf(out)) {
            if (form.startsWith("rtx") && form.length() > 3) {
                out.add(form.substring(3));
            }
        }
        return out;
    }

    /** The one known name {@code query} refers to, exactly or by an unambiguous alias. */
    public static Optional<String> resolve(String query, Collection<String> known) {
        if (query == null || query.isBlank()) {
            return Optional.empty();
        }
        String q = normalize(query);
        for (String name : known) {
            if (normalize(name).equals(q)) {
                return Optional.of(name);
            }
        }
        List<String> byAlias = known.stream().filter(name -> aliases(name).contains(q)).toList();
        return byAlias.size() == 1 ? Optional.of(byAlias.getFirst()) : Optional.empty();
    }

    /** Up to {@code limit} known names closest to {@code query} (edit distance on normalised forms). */
    public static List<String> closest(String query, Collection<String> known, int limit) {
        String q = query == null ? "" : normalize(query);
        record Scored(String name, int distance) {}
        List<Scored> scored = new ArrayList<>();
        for (String name : known) {
            int best = Integer.MAX_VALUE;
            for (String alias : aliases(name)) {
                int d = editDistance(q, alias);
                if (!q.isEmpty() && (alias.contains(q) || q.contains(alias))) {
                    d = Math.min(d, Math.abs(alias.length() - q.length()) / 2);
                }
                best = Math.min(best, d);
            }
            scored.add(new Scored(name, best));
        }
        return scored.stream()
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .limit(limit)
                .map(Scored::name)
                .toList();
    }

    /** Levenshtein distance. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
