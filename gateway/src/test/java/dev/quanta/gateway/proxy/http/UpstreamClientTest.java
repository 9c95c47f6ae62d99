package dev.quanta.gateway.proxy.http;

import static dev.quanta.gateway.proxy.http.RawServer.ok;
import static dev.quanta.gateway.proxy.http.RawServer.respond;
import static dev.quanta.gateway.proxy.http.RawServer.respondThenClose;
import static dev.quanta.gateway.proxy.http.RawServer.silence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upstream client against a socket-level worker: keep-alive reuse, what drops a connection and what
 * keeps it, the one retry of a pooled connection the worker closed, cancellation from another thread, and the
 * request bytes on the wire.
 */
@Timeout(30)
class UpstreamClientTest {

    private static final byte[] BODY = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);

    private RawServer server;
    private UpstreamClient client = client(16, Duration.ofSeconds(30));

    private static UpstreamClient client(int maxIdle, Duration expiry) {
        return new UpstreamClient(new UpstreamClient.Settings(Duration.ofSeconds(2), maxIdle, expiry));
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private UpstreamCall post(Map<String, String> headers) {
        return client.call(server.url(), "POST", "/v1/completions", headers, BODY);
    }

    private UpstreamCall post() {
        return post(Map.of("Content-Type", "application/json"));
    }

    /** Executes {@code call}, reads its body to the end, closes it: the body as text. */
    private static String complete(UpstreamCall call) throws IOException {
        try (call) {
            call.execute();
            return new String(call.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRequestIsSentAsOneHeadWithHostAndLengthThenItsBody() throws IOException {
        server = new RawServer().then(respond(ok("fine")));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Request-Id", "req-1");

        assertThat(complete(post(headers))).isEqualTo("fine");

        assertThat(server.requests).containsExactly("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1:"
                + server.server.getLocalPort() + "\r\nContent-Type: application/json\r\nX-Request-Id: req-1\r\n"
                + "Content-Length: 13\r\n\r\n{\"model\":\"m\"}");
    }

    @Test
    void aWorkerUrlWithAPathPrefixesEveryRequestPath() throws IOException {
        server = new RawServer().then(respond(ok("")));
        complete(client.call(server.url() + "/worker-7/", "GET", "/metrics", Map.of(), null));
        assertThat(server.requests.getFirst()).startsWith("GET /worker-7/metrics HTTP/1.1\r\n")
                .doesNotContain("Content-Length");
    }

    @Test
    void aConnectionCarriesOneExchangeAfterAnother() throws IOException {
        server = new RawServer().then(respond(ok("one")),
                respond("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"), respond(ok("three")));

        assertThat(complete(post())).isEqualTo("one");
        assertThat(client.idle(server.url())).isEqualTo(1);
        assertThat(complete(post())).isEqualTo("two");
        assertThat(complete(post())).isEqualTo("three");

        assertThat(server.accepted).hasValue(1);
        assertThat(client.idle(server.url())).isEqualTo(1);
    }

    @Test
    void aBodyLeftUnreadDropsTheConnectionSoTheWorkerSeesItsClientGone() throws Exception {
        server = new RawServer().then(respond(ok("0123456789")), respond(ok("again")));

        try (UpstreamCall call = post()) {
            call.execute();
            assertThat(call.body().read()).isEqualTo('0');
        }
        assertThat(RawServer.next(server.clientClosed)).isEqualTo(1);
        assertThat(client.idle(server.url())).isZero();

        assertThat(complete(post())).isEqualTo("again");
        assertThat(server.accepted).hasValue(2);
    }

    @Test
    void connectionCloseFromTheWorkerIsHonoured() throws IOException {
        server = new RawServer().then(respond("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"),
                respond(ok("next")));
        assertThat(complete(post())).isEqualTo("ok");
        assertThat(client.idle(server.url())).isZero();
        assertThat(complete(post())).isEqualTo("next");
        assertThat(server.accepted).hasValue(2);
    }

    @Test
    void aPooledConnectionTheWorkerClosedWhileIdleIsReplacedOnce() throws Exception {
        // the worker answers in full, then closes the connection without saying so (as on a keep-alive timeout)
        server = new RawServer().then(respondThenClose(ok("first")), respond(ok("second")));
        assertThat(complete(post())).isEqualTo("first");
        RawServer.next(server.serverClosed);
        assertThat(client.idle(server.url())).isEqualTo(1);

        assertThat(complete(post())).isEqualTo("second");
        assertThat(server.accepted).hasValue(2);
        assertThat(server.requests).hasSize(2);
    }

    @Test
    void aReusedConnectionThatFailsAfterTheWorkerBeganToAnswerIsNotRetried() throws IOException {
        server = new RawServer().then(respond(ok("first")), respondThenClose("HTTP/1.1 200 OK\r\nContent-Le"));
        assertThat(catchingIo(() -> complete(post()))).isNull();

        assertThatThrownBy(() -> complete(post())).isInstanceOf(EOFException.class);
        assertThat(server.accepted).hasValue(1);
        assertThat(server.requests).hasSize(2);
    }

    @Test
    void aRefusedConnectionIsAConnectException() throws IOException {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        UpstreamCall call = client.call("http://127.0.0.1:" + port, "POST", "/v1/completions", Map.of(), BODY);
        assertThatThrownBy(call::execute).isInstanceOf(ConnectException.class);
        call.close();
    }

    @Test
    void cancelFromAnotherThreadEndsAnExchangeBlockedOnTheWorker() throws Exception {
        server = new RawServer().then(silence());
        UpstreamCall call = post();
        Thread canceller = Thread.ofVirtual().start(() -> {
            while (server.requests.isEmpty()) {
                Thread.onSpinWait();
            }
            call.cancel();
        });
        assertThatThrownBy(call::execute).isInstanceOf(IOException.class);
        canceller.join();
        call.close();
        assertThat(client.idle(server.url())).isZero();
    }

    @Test
    void aCancelAfterTheExchangeEndedLeavesThePooledConnectionAlone() throws IOException {
        server = new RawServer().then(respond(ok("one")), respond(ok("two")));
        UpstreamCall first = post();
        assertThat(complete(first)).isEqualTo("one");
        first.cancel();

        assertThat(complete(post())).isEqualTo("two");
        assertThat(server.accepted).hasValue(1);
    }

    @Test
    void aCancelBeforeExecuteStopsItBeforeAnythingIsSent() throws IOException {
        server = new RawServer();
        UpstreamCall call = post();
        call.cancel();
        assertThatThrownBy(call::execute).isInstanceOf(IOException.class).hasMessageContaining("cancelled");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void idleConnectionsBeyondTheBoundAreClosed() throws IOException {
        client.close();
        client = client(1, Duration.ofSeconds(30));
        server = new RawServer().then(respond(ok("a")), respond(ok("b")));
        UpstreamCall a = post().execute();
        UpstreamCall b = post().execute(); // a second connection: the first is busy
        a.body().readAllBytes();
        b.body().readAllBytes();
        a.close();
        b.close();
        assertThat(server.accepted).hasValue(2);
        assertThat(client.idle(server.url())).isEqualTo(1);
    }

    @Test
    void idleConnectionsPastTheirExpiryAreClosedByTheEvictor() throws Exception {
        client.close();
        client = client(16, Duration.ofMillis(200));
        server = new RawServer().then(respond(ok("a")));
        complete(post());
        assertThat(RawServer.next(server.clientClosed)).isEqualTo(1); // the evictor closed it
        assertThat(client.idle(server.url())).isZero();
    }

    @Test
    void fieldsAndUrlsThatCouldSplitOrMisdirectTheRequestAreRefused() throws IOException {
        server = new RawServer();
        assertThatThrownBy(() -> post(Map.of("X-Request-Id", "a\r\nEvil: 1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> post(Map.of("Bad Name", "v"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> post(Map.of("Host", "elsewhere"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> post(Map.of("Content-Length", "1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.call("ftp://127.0.0.1:1", "POST", "/x", Map.of(), BODY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad worker URL");
        assertThatThrownBy(() -> client.call("http://127.0.0.1:1?q=1", "POST", "/x", Map.of(), BODY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requests).isEmpty();
    }

    @Test
    void httpsWorkersAreReachedOnlyWithACertificateForTheirHost(@TempDir Path dir) throws Exception {
        SSLContext forIp = tls(dir, "ip", "ip:127.0.0.1");
        server = new RawServer(forIp.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()))
                .then(respond(ok("secure")), respond(ok("again")));
        client.close();
        client = new UpstreamClient(new UpstreamClient.Settings(Duration.ofSeconds(2), 16, Duration.ofSeconds(30)),
                forIp.getSocketFactory());
        String url = "https://127.0.0.1:" + server.server.getLocalPort();
        assertThat(complete(client.call(url, "POST", "/v1/completions", Map.of(), BODY))).isEqualTo("secure");
        assertThat(complete(client.call(url, "POST", "/v1/completions", Map.of(), BODY))).isEqualTo("again");
        assertThat(server.accepted).hasValue(1);

        // a certificate trusted, but for another name: the host name check refuses it
        SSLContext forName = tls(dir, "name", "dns:worker.example");
        try (RawServer other = new RawServer(forName.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress()))) {
            UpstreamClient strict = new UpstreamClient(new UpstreamClient.Settings(Duration.ofSeconds(2), 16,
                    Duration.ofSeconds(30)), forName.getSocketFactory());
            try (strict; UpstreamCall call = strict.call("https://127.0.0.1:" + other.server.getLocalPort(), "POST",
                    "/v1/completions", Map.of(), BODY)) {
                assertThatThrownBy(call::execute).isInstanceOf(SSLHandshakeException.class);
            }
            assertThat(other.requests).isEmpty();
        }
    }

    /** A TLS context whose key and trust are one self-signed certificate for {@code san} (made by keytool). */
    private static SSLContext tls(Path dir, String name, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "worker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=worker",
                "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "secret", "-keypass", "secret").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance(store.toFile(), "secret".toCharArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "secret".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private interface IoRun {
        Object run() throws IOException;
    }

    private static IOException catchingIo(IoRun run) {
        try {
            run.run();
            return null;
        } catch (IOException e) {
            return e;
        }
    }
}
