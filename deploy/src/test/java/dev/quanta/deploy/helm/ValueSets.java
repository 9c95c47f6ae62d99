package dev.quanta.deploy.helm;

import dev.quanta.deploy.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.yaml.snakeyaml.Yaml;

/** The value sets every chart invariant is checked on: the defaults, each file under values/, the chart's examples. */
final class ValueSets {

    private ValueSets() {}

    static Path testValues(String name) {
        try {
            return Path.of(ValueSets.class.getResource("/values/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no test values file " + name, e);
        }
    }

    /** (label, values files) for the defaults, every test values file and every example of the chart. */
    static Stream<Arguments> all() {
        List<Arguments> sets = new ArrayList<>();
        sets.add(Arguments.of("defaults", List.of()));
        try (Stream<Path> files = Files.list(testValues("external-database.yaml").getParent())) {
            files.sorted().forEach(f -> sets.add(Arguments.of(f.getFileName().toString(), List.of(f))));
            try (Stream<Path> examples = Files.list(RepoPaths.chart().resolve("examples"))) {
                examples.sorted().forEach(f -> sets.add(Arguments.of("examples/" + f.getFileName(), List.of(f))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sets.stream();
    }

    /** The existingSecret / existingClaim names a values file configures (objects the chart must not render). */
    @SuppressWarnings("unchecked")
    static List<String> externalNames(List<Path> files) {
        List<String> names = new ArrayList<>();
        for (Path file : files) {
            try {
                Object tree = new Yaml().load(Files.readString(file));
                collect(tree, names);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static void collect(Object node, List<String> names) {
        if (node instanceof Map<?, ?> map) {
            for (var entry : ((Map<String, Object>) map).entrySet()) {
                if ((entry.getKey().equals("existingSecret") || entry.getKey().equals("existingClaim"))
                        && entry.getValue() instanceof String s && !s.isEmpty()) {
                    names.add(s);
                }
                collect(entry.getValue(), names);
            }
        }
    }
}
