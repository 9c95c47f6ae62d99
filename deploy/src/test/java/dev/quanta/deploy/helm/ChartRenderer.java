package dev.quanta.deploy.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.quanta.deploy.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders helm/quanta through helm-java (the Helm library in the Maven artifact: no helm binary needed) for the
 * release {@value #RELEASE} in namespace {@value #NAMESPACE}, against the fake API server of
 * {@link FakeKubernetesApi} for {@code lookup}.
 */
final class ChartRenderer {

    static final String RELEASE = "quanta";
    static final String NAMESPACE = "quanta-test";
    /** The Kubernetes version the chart is rendered for (its Chart.yaml asks for >= 1.27). */
    static final String KUBE_VERSION = "v1.33.0";

    private static FakeKubernetesApi api;

    private ChartRenderer() {}

    /** The fake API server behind {@code KUBECONFIG}, started on first use. */
    static synchronized FakeKubernetesApi api() {
        if (api == null) {
            String kubeconfig = System.getenv("KUBECONFIG");
            if (kubeconfig == null || kubeconfig.isBlank()) {
                throw new IllegalStateException("KUBECONFIG is not set: the POM points it at target/test-kubeconfig so"
                        + " that helm's lookup talks to the tests' fake API server, never to a real cluster");
            }
            try {
                api = new FakeKubernetesApi();
                api.writeKubeconfig(Path.of(kubeconfig));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(api::close, "fake-kubernetes-api-stop"));
        }
        return api;
    }

    static Helm helm() {
        return new Helm(RepoPaths.chart());
    }

    static LintResult lintStrict() {
        api();
        return helm().lint().strict().call();
    }

    /** The manifest text for the given values files (applied in order) and --set values. */
    static String templateText(Map<String, String> sets, Path... valuesFiles) {
        api();
        TemplateCommand command = helm().template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        for (var set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        return command.call();
    }

    static Rendered render(Path... valuesFiles) {
        return render(Map.of(), valuesFiles);
    }

    @SuppressWarnings("unchecked")
    static Rendered render(Map<String, String> sets, Path... valuesFiles) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(templateText(sets, valuesFiles))) {
            if (document != null) {
                objects.add((Map<String, Object>) document);
            }
        }
        return new Rendered(List.copyOf(objects));
    }
}
