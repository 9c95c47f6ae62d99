package dev.quanta.deploy.compose;

import dev.quanta.deploy.RepoPaths;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;

/** What the Maven build produces for a module: its artifactId and the runnable jar's name pattern. */
final class BuildLayout {

    private BuildLayout() {}

    static Document pom(Path pomFile) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pomFile.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pomFile, e);
        }
    }

    static String xpath(Document doc, String expression) {
        try {
            return XPathFactory.newInstance().newXPath().evaluate(expression, doc).strip();
        } catch (Exception e) {
            throw new IllegalStateException(expression, e);
        }
    }

    static String artifactId(String module) {
        return xpath(pom(RepoPaths.root().resolve(module).resolve("pom.xml")), "/project/artifactId");
    }

    /** The classifier of the Spring Boot repackaged (runnable) jar, from the parent POM. */
    static String execClassifier() {
        return xpath(pom(RepoPaths.root().resolve("pom.xml")),
                "//plugin[artifactId='spring-boot-maven-plugin']/executions/execution[id='repackage']"
                        + "/configuration/classifier");
    }

    /** The glob the runnable jar of a module matches in its target directory. */
    static String runnableJarGlob(String module) {
        return module + "/target/" + artifactId(module) + "-*-" + execClassifier() + ".jar";
    }
}
