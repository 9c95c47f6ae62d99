package dev.quanta.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One check, run against every service, that the same fault gets the same RFC 9457 problem type and status
 * everywhere (the shared edge's catalogue). Plain JDK HTTP; collects every mismatch and fails once with all
 * of them, so a service's report names each fault it answers differently.
 *
 * @param base the running service, e.g. {@code http://127.0.0.1:8081}
 * @param adminToken an ADMIN credential of that service
 * @param otherRoleToken a credential of another role (worker, metrics) that may not do {@code write}
 * @param write a write the admin may do: method, path and a valid JSON body
 * @param invalidBody a well-formed JSON body for {@code write} with one invalid field
 * @param methodNotAllowed a method and path the service routes but not for that method, e.g. {@code DELETE /plan}
 * @param maxBodyBytes the service's {@code quanta.edge.max-body-bytes}
 */
public record EdgeConformance(URI base, String adminToken, String otherRoleToken, Request write, String invalidBody,
        Request methodNotAllowed, long maxBodyBytes) {

    /** A method, path and (nullable) body. */
    public record Request(String method, String path, String body) {}

    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*(\\d+)");
    private static final String BASE = "https://quanta.dev/problems/";

    /** Runs every check; throws {@link AssertionError} listing each fault answered off the catalogue. */
    public void verify() {
        List<String> failures = new ArrayList<>();
        String bigBody = "{\"padding\":\"" + "x".repeat((int) Math.min(maxBodyBytes + 16, 16 << 20)) + "\"}";
        expect(failures, "anonymous write", send(write, null), 401, "unauthorized", "Bearer");
        expect(failures, "write with an unknown token", send(write, "Bearer not-a-credential-0123456789"), 401,
                "unauthorized", "invalid_token");
        expect(failures, "read with an unknown token",
                send(new Request("GET", "/actuator/health", null), "Bearer not-a-credential-0123456789"), 401,
                "unauthorized", "invalid_token");
        expect(failures, "write with a non-bearer scheme", send(write, "Basic " + adminToken), 401, "unauthorized",
                null);
        expect(failures, "write with another role's credential", send(write, "Bearer " + otherRoleToken), 403,
                "forbidden", null);
        expect(failures, "unknown route", send(new Request("GET", "/no/such/route", null), null), 404, "not-found",
                null);
        expect(failures, "route without that method", send(methodNotAllowed, "Bearer " + adminToken), 405,
                "method-not-allowed", null);
        expect(failures, "malformed JSON", send(new Request(write.method(), write.path(), "{\"broken\": "),
                "Bearer " + adminToken), 400, "malformed-request", null);
        expect(failures, "invalid field", send(new Request(write.method(), write.path(), invalidBody),
                "Bearer " + adminToken), 400, "validation", null);
        expect(failures, "body over the limit", send(new Request(write.method(), write.path(), bigBody),
                "Bearer " + adminToken), 413, "payload-too-large", null);
        expect(failures, "anonymous metrics", send(new Request("GET", "/actuator/prometheus", null), null), 401,
                "unauthorized", null);
        expect(failures, "anonymous API docs", send(new Request("GET", "/v3/api-docs", null), null), 401,
                "unauthorized", null);
        status(failures, "health", send(new Request("GET", "/actuator/health", null), null), 200);
        status(failures, "admin metrics", send(new Request("GET", "/actuator/prometheus", null),
                "Bearer " + adminToken), 200);
        status(failures, "admin API docs", send(new Request("GET", "/v3/api-docs", null), "Bearer " + adminToken),
                200);
        if (!failures.isEmpty()) {
            throw new AssertionError(base + " answers off the shared problem catalogue:\n  "
                    + String.join("\n  ", failures));
        }
    }

    private static void expect(List<String> failures, String fault, HttpResponse<String> r, int status, String type,
            String challenge) {
        String body = r.body();
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        Matcher t = TYPE.matcher(body);
        Matcher s = STATUS.matcher(body);
        String gotType = t.find() ? t.group(1) : null;
        String gotStatus = s.find() ? s.group(1) : null;
        if (r.statusCode() != status || !contentType.startsWith("application/problem+json")
                || !(BASE + type).equals(gotType) || !String.valueOf(status).equals(gotStatus)) {
            failures.add(fault + ": expected " + status + " " + type + ", got " + r.statusCode() + " " + contentType
                    + " " + abbreviate(body));
            return;
        }
        if (challenge != null) {
            String header = r.headers().firstValue("WWW-Authenticate").orElse("");
            if (!header.contains(challenge)) {
                failures.add(fault + ": WWW-Authenticate '" + header + "' lacks " + challenge);
            }
        }
    }

    private static void status(List<String> failures, String what, HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            failures.add(what + ": expected " + status + ", got " + r.statusCode() + " " + abbreviate(r.body()));
        }
    }

    private HttpResponse<String> send(Request request, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(request.path()))
                .timeout(Duration.ofSeconds(30))
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body()))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.path() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
