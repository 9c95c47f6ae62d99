package dev.quanta.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;

/** What the Maven build produces for a module: its artifactId and the runnable jar's name pattern. */
public final class BuildLayout {

    private BuildLayout() {}

    public static Document pom(Path pomFile) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pomFile.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pomFile, e);
        }
    }

    public static String xpath(Document doc, String expression) {
        try {
            return XPathFactory.newInstance().newXPath().evaluate(expression, doc).strip();
        } catch (Exception e) {
            throw new IllegalStateException(expression, e);
        }
    }

    public static String artifactId(String module) {
        return xpath(pom(RepoPaths.root().resolve(module).resolve("pom.xml")), "/project/artifactId");
    }

    /** The classifier of the Spring Boot repackaged (runnable) jar, from the parent POM. */
    public static String execClassifier() {
        return xpath(pom(RepoPaths.root().resolve("pom.xml")),
                "//plugin[artifactId='spring-boot-maven-plugin']/executions/execution[id='repackage']"
                        + "/configuration/classifier");
    }

    /** The glob (relative to the root) the runnable jar of a module matches: finalName, else artifactId-version. */
    public static String runnableJarGlob(String module) {
        String finalName = xpath(pom(RepoPaths.root().resolve(module).resolve("pom.xml")), "/project/build/finalName");
        String base = finalName.isEmpty() ? artifactId(module) + "-*" : finalName;
        return module + "/target/" + base + "-" + execClassifier() + ".jar";
    }

    /** The runnable jars of a module as built now (exactly one after {@code package}). */
    public static List<Path> runnableJars(String module) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + runnableJarGlob(module));
        Path target = RepoPaths.root().resolve(module).resolve("target");
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> matcher.matches(RepoPaths.root().relativize(f))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
