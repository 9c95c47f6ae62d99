package dev.quanta.deploy.readonly;

import dev.quanta.deploy.BuildLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one service from its runnable jar for the read-only test: module, extra JVM flags, arguments
 * (with {@code {port}} and {@code {models}} placeholders), environment, the path that answers 200 once it is ready,
 * and a few paths to exercise before it is stopped.
 */
record ServiceLaunch(String module, List<String> jvmFlags, List<String> args, Map<String, String> env,
        String readyPath, List<String> exercise) {

    /**
     * The module's runnable jar under target/ (built by the reactor before this module's integration tests), or
     * the one named by the system property {@code quanta.readonly.jar.<module>} (to check a build from elsewhere).
     */
    Path jar() {
        String override = System.getProperty("quanta.readonly.jar." + module);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        List<Path> jars = BuildLayout.runnableJars(module);
        if (jars.size() != 1) {
            throw new AssertionError("expected one " + BuildLayout.runnableJarGlob(module) + " (build " + module
                    + " first), found " + jars);
        }
        return jars.getFirst();
    }

    @Override
    public String toString() {
        return module;
    }
}
