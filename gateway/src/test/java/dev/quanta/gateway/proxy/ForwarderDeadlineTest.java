package dev.quanta.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gateway.config.GatewayProperties;
import dev.quanta.gateway.routing.Decision;
import dev.quanta.gateway.routing.Ejection;
import dev.quanta.gateway.routing.Worker;
import dev.quanta.gateway.web.GatewayException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The upstream reads have no socket timeout; the watchdog keeps the deadlines. Against a raw socket "worker"
 * that answers only as far as each test lets it: silence before the headers is a 504 after the first-byte
 * timeout, silence inside the body fails the read after the idle timeout, and no watch outlives its exchange.
 */
@Timeout(30)
class ForwarderDeadlineTest {

    private static final byte[] BODY = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private IdleWatchdog watchdog;
    private Forwarder forwarder;

    /** A worker that reads each request's head and then does what {@code answer} writes (possibly nothing). */
    private Worker worker(byte[] answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[4096];
                    int n = in.read(buf); // the request (small: one read on loopback)
                    if (n > 0 && answer.length > 0) {
                        OutputStream out = s.getOutputStream();
                        out.write(answer);
                        out.flush();
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return new Worker("w1", "m", "http://127.0.0.1:" + server.getLocalPort());
    }

    /** A worker answering 200 with a JSON body of {@code declared} bytes, of which it sends {@code sent}. */
    private Worker answering(int declared, String sent) throws IOException {
        return worker(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n"
                + sent).getBytes(StandardCharsets.US_ASCII));
    }

    private void start(Duration firstByte, Duration idle) {
        var upstream = new GatewayProperties.Upstream(Duration.ofSeconds(2), firstByte, idle, 1, 3, Duration.ofSeconds(5));
        var properties = new GatewayProperties(null, null, upstream, null, null, null);
        watchdog = new IdleWatchdog(properties);
        forwarder = new Forwarder(properties, watchdog, new Ejection(3, Duration.ofSeconds(5)),
                new GatewayMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
    }

    @AfterEach
    void close() throws IOException {
        if (forwarder != null) {
            forwarder.destroy();
            watchdog.destroy();
        }
        for (Socket s : accepted) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Forwarder.Upstream post(Worker w) {
        return forwarder.post("m", new Decision(List.of(w), Decision.Reason.SINGLE_CANDIDATE), "/v1/completions", BODY,
                Map.of("Content-Type", "application/json"));
    }

    @Test
    void aWorkerSilentBeforeItsHeadersIsA504AfterTheFirstByteTimeout() throws IOException {
        Worker silent = worker(new byte[0]);
        start(Duration.ofMillis(300), Duration.ofSeconds(60));

        assertThatThrownBy(() -> post(silent))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(504);
                    assertThat(e.kind()).isEqualTo("timeout");
                });
        assertThat(watchdog.active()).isZero();
    }

    @Test
    void aBodyThatStopsMidwayFailsTheReadAfterTheIdleTimeout() throws IOException {
        // headers and 5 of the 100 bytes promised, then nothing
        Worker stalls = answering(100, "{\"a\":");
        start(Duration.ofSeconds(60), Duration.ofMillis(300));

        try (Forwarder.Upstream upstream = post(stalls)) {
            assertThat(upstream.status()).isEqualTo(200);
            InputStream in = upstream.body();
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
            assertThat(upstream.watch().expired()).isTrue();
        }
        assertThat(watchdog.active()).isZero();
    }

    @Test
    void aCompleteExchangeLeavesNoWatchBehindAndIsNotCut() throws Exception {
        Worker answers = answering(2, "{}");
        start(Duration.ofMillis(200), Duration.ofMillis(200));

        byte[] body;
        Forwarder.Upstream upstream = post(answers);
        try (upstream; InputStream in = upstream.body()) {
            assertThat(watchdog.active()).isEqualTo(1);
            body = in.readAllBytes();
        }
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(watchdog.active()).isZero();
        Thread.sleep(3 * watchdog.sweepMillis() + 200); // past the deadlines: a closed watch is never fired
        assertThat(upstream.watch().expired()).isFalse();
    }
}
