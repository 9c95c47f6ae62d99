package dev.quanta.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's deployment files are, seen from the tests of this module. */
public final class RepoPaths {

    private RepoPaths() {}

    /** The repository root: system property {@code quanta.root.dir} (set by the POM), else the parent directory. */
    public static Path root() {
        String configured = System.getProperty("quanta.root.dir");
        Path root = (configured == null ? Path.of("..") : Path.of(configured)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("helm"))) {
            throw new IllegalStateException("not the Quanta repository root: " + root);
        }
        return root;
    }

    public static Path chart() {
        return root().resolve("helm").resolve("quanta");
    }
}
