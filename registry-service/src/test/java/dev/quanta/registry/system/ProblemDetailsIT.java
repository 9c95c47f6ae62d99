package dev.quanta.registry.system;

import static dev.quanta.registry.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.registry.HttpApi;
import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every error class answers with an RFC 9457 problem detail, and a refused write leaves nothing behind. */
class ProblemDetailsIT extends RegistryITSupport {

    @Test
    void validationErrorsNameEveryOffendingField() {
        Response r = api.post("/models", """
                {"key":"Bad Key!","name":"","family":"llama","architecture":"llama","parametersBillions":-1,
                 "layers":0,"hiddenSize":4096,"attentionHeads":32,"contextLength":4096,"vocabSize":32000}""");
        assertProblem(r, 400, "validation");
        List<String> fields = new ArrayList<>();
        r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("key", "name", "parametersBillions", "layers");
        assertThat(r.text("field")).isIn(fields);
        assertThat(r.text("detail")).contains("layers");
        assertThat(api.get("/models/Bad Key!".replace(" ", "%20")).status()).isEqualTo(404);
    }

    @Test
    void missingRequiredFieldIsNamed() {
        Response r = api.post("/models", """
                {"key":"val-missing","name":"x","family":"llama","architecture":"llama","parametersBillions":1,
                 "layers":2,"hiddenSize":64,"attentionHeads":8,"contextLength":512}""");
        assertProblem(r, 400, "validation");
        assertThat(r.text("field")).isEqualTo("vocabSize");
    }

    @Test
    void inconsistentHeadCountsAreRefusedAndNothingIsWritten() {
        Response r = api.post("/models", """
                {"key":"val-kv","name":"x","family":"llama","architecture":"llama","parametersBillions":1,
                 "layers":2,"hiddenSize":64,"attentionHeads":8,"kvHeads":3,"contextLength":512,"vocabSize":512}""");
        assertProblem(r, 400, "validation");
        assertThat(r.text("field")).isEqualTo("kvHeads");
        assertThat(api.get("/models/val-kv").status()).isEqualTo(404);
    }

    @Test
    void malformedJsonIs400() {
        Response r = api.post("/models", "{\"key\": \"broken\", ");
        assertProblem(r, 400, "malformed-request");
        assertThat(r.text("detail")).contains("not valid JSON");
    }

    @Test
    void wrongJsonTypeNamesTheField() {
        Response r = api.post("/models", """
                {"key":"val-type","name":"x","family":"llama","architecture":"llama","parametersBillions":1,
                 "layers":"many","hiddenSize":64,"attentionHeads":8,"contextLength":512,"vocabSize":512}""");
        assertProblem(r, 400, "malformed-request");
        assertThat(r.text("field")).isEqualTo("layers");
    }

    @Test
    void emptyBodyIs400() {
        assertProblem(api.post("/models", ""), 400, "malformed-request");
    }

    @Test
    void bodyOverTheLimitWithContentLengthIs413() {
        Response r = api.post("/models", oversizedProfile());
        assertProblem(r, 413, "payload-too-large");
        assertThat(api.get("/models/val-huge").status()).isEqualTo(404);
    }

    @Test
    void chunkedBodyOverTheLimitIs413() {
        Response r = api.postChunked("/models", oversizedProfile().getBytes(StandardCharsets.UTF_8));
        assertProblem(r, 413, "payload-too-large");
        assertThat(api.get("/models/val-huge").status()).isEqualTo(404);
    }

    @Test
    void chunkedBodyUnderTheLimitIsAccepted() {
        Response r = api.postChunked("/models", profileJson("val-chunked", "llama", "llama")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(201);
    }

    @Test
    void unknownRouteIs404Problem() {
        assertProblem(api.get("/no/such/route"), 404, "not-found");
    }

    @Test
    void unsupportedMethodIs405Problem() {
        Response r = api.send(HttpRequest.newBuilder(api.uri("/models"))
                .DELETE().header("Authorization", "Bearer " + HttpApi.ADMIN_TOKEN));
        assertProblem(r, 405, "method-not-allowed");
        assertThat(r.header("Allow")).contains("GET").contains("POST");
    }

    @Test
    void nonJsonContentTypeIs415Problem() {
        Response r = api.send(HttpRequest.newBuilder(api.uri("/models"))
                .POST(HttpRequest.BodyPublishers.ofString("key=x"))
                .header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + HttpApi.ADMIN_TOKEN));
        assertProblem(r, 415, "unsupported-media-type");
    }

    @Test
    void badPagingParametersAreValidationProblemsNamingTheParameter() {
        Response tooBig = api.get("/models?size=51");
        assertProblem(tooBig, 400, "validation");
        assertThat(tooBig.text("field")).isEqualTo("size");
        Response negative = api.get("/models?page=-1");
        assertProblem(negative, 400, "validation");
        assertThat(negative.text("field")).isEqualTo("page");
        Response notANumber = api.get("/models?page=abc");
        assertProblem(notANumber, 400, "validation");
        assertThat(notANumber.text("field")).isEqualTo("page");
    }

    private static String oversizedProfile() {
        return profileJson("val-huge", "llama", "llama").replace("\"name\":\"Test val-huge\"",
                "\"name\":\"" + "x".repeat(70_000) + "\"");
    }
}
