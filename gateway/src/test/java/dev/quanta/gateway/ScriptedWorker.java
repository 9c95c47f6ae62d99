package dev.quanta.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP upstream for the gateway's own mechanics (event relay, retries, cancellation, error shapes):
 * it answers like a worker (vLLM metrics, OpenAI SSE), with behaviour the test chooses. The acceptance
 * tests (*IT) use real worker processes instead.
 */
final class ScriptedWorker implements AutoCloseable {

    enum Mode { OK, FAIL_500, ENDLESS_STREAM }

    final HttpServer server;
    final String model;
    volatile Mode mode;
    final AtomicInteger completions = new AtomicInteger();
    /** Counted down when an endless stream's write fails: the gateway closed the connection. */
    final CountDownLatch streamCut = new CountDownLatch(1);
    volatile String lastBody;

    ScriptedWorker(String model, Mode mode) throws IOException {
        this.model = model;
        this.mode = mode;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/health", ex -> send(ex, 200, "text/plain", "ok"));
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain", """
                vllm:num_requests_waiting{model_name="%s"} 0
                vllm:num_requests_running{model_name="%s"} 0
                vllm:kv_cache_usage_perc{model_name="%s"} 0.0
                """.formatted(model, model, model)));
        server.createContext("/v1/models", ex -> send(ex, 200, "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"" + model + "\",\"object\":\"model\",\"created\":1,"
                        + "\"owned_by\":\"scripted\"}]}"));
        server.createContext("/v1/completions", this::complete);
        server.createContext("/v1/chat/completions", this::complete);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void complete(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        lastBody = body;
        completions.incrementAndGet();
        boolean chat = ex.getRequestURI().getPath().contains("chat");
        if (mode == Mode.FAIL_500) {
            send(ex, 500, "application/json", "{\"error\":{\"message\":\"boom\",\"type\":\"internal\"}}");
            return;
        }
        boolean stream = body.replace(" ", "").contains("\"stream\":true");
        if (!stream) {
            String choice = chat ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi there\"},\"finish_reason\":\"stop\"}"
                    : "{\"index\":0,\"text\":\"Hi there\",\"finish_reason\":\"stop\"}";
            send(ex, 200, "application/json", "{\"id\":\"x\",\"object\":\"" + (chat ? "chat.completion" : "text_completion")
                    + "\",\"model\":\"" + model + "\",\"choices\":[" + choice + "],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            int pieces = mode == Mode.ENDLESS_STREAM ? Integer.MAX_VALUE : 3;
            for (int i = 0; i < pieces; i++) {
                String piece = chat ? "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w" + i + " \"},\"finish_reason\":"
                        + (i == 2 ? "\"length\"" : "null") + "}]}"
                        : "{\"choices\":[{\"index\":0,\"text\":\"w" + i + " \",\"finish_reason\":"
                        + (i == 2 ? "\"length\"" : "null") + "}]}";
                out.write(("data: " + piece + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (mode == Mode.ENDLESS_STREAM) {
                    Thread.sleep(20);
                }
            }
            out.write("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3,\"total_tokens\":7}}\n\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException cut) {
            streamCut.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
