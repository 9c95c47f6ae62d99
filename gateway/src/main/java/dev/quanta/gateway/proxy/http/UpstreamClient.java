package dev.quanta.gateway.proxy.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The gateway's HTTP/1.1 client for its workers: keep-alive connections pooled per worker, each exchange on the
 * caller's own thread (one write for a request's head and body, reads without a timeout: the caller keeps the
 * deadlines by {@link UpstreamCall#cancel cancelling}), TCP_NODELAY, {@code http} and {@code https}.
 *
 * <p>NOTE: it does only what the proxy needs (requests with a known length, any response framing, no redirects,
 * cookies, authentication, compression or retries of its own beyond one: a pooled connection the worker closed
 * while it was idle is replaced once when it answered nothing). That is why it exists: Apache HttpClient's exec
 * chain, pool leasing and message objects were about 9 % of the gateway's CPU per proxied request.
 */
public final class UpstreamClient implements Closeable {

    /** Bytes of a request sent in one write (head and body together); a larger body is written after its head. */
    private static final int ONE_WRITE = 64 * 1024;
    private static final int READ_BUFFER = 8 * 1024;
    /** A pool left without connections and unused this long is dropped (workers come and go). */
    private static final long RETIRE_NANOS = TimeUnit.MINUTES.toNanos(10);

    /**
     * @param connectTimeout   the longest a new connection may take
     * @param maxIdlePerWorker idle connections kept per worker; more are closed when released
     * @param idleExpiry       an idle connection older than this is closed instead of reused
     */
    public record Settings(Duration connectTimeout, int maxIdlePerWorker, Duration idleExpiry) {}

    private final Settings settings;
    private final SSLSocketFactory tls;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final ScheduledExecutorService evictor =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("upstream-evictor").factory());
    private volatile boolean closed;

    public UpstreamClient(Settings settings) {
        this(settings, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    public UpstreamClient(Settings settings, SSLSocketFactory tls) {
        this.settings = settings;
        this.tls = tls;
        long period = Math.clamp(settings.idleExpiry().toMillis() / 2, 100, 5_000);
        evictor.scheduleWithFixedDelay(this::evict, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * A call to {@code baseUrl + path} (not sent yet: see {@link UpstreamCall#execute}).
     *
     * @param baseUrl {@code http://host[:port][/prefix]} or {@code https://...}
     * @param headers fields to send besides Host and Content-Length (names are tokens, values visible ASCII,
     *                Latin-1 or tabs)
     * @param body    the request body, or null for none
     * @throws IllegalArgumentException for a URL or field the client cannot send
     */
    public UpstreamCall call(String baseUrl, String method, String path, Map<String, String> headers, byte[] body) {
        Pool pool = pools.get(baseUrl);
        if (pool == null || pool.retired) {
            pool = pools.compute(baseUrl, (url, old) -> old == null || old.retired ? new Pool(url) : old);
        }
        StringBuilder head = new StringBuilder(160 + 64 * headers.size());
        head.append(method).append(' ').append(pool.pathPrefix).append(path).append(" HTTP/1.1\r\nHost: ")
                .append(pool.hostHeader).append("\r\n");
        headers.forEach((name, value) -> {
            checkField(name, value);
            head.append(name).append(": ").append(value).append("\r\n");
        });
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        return new UpstreamCall(pool, method, head.toString().getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private static void checkField(String name, String value) {
        if (name.isEmpty() || name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Host")) {
            throw new IllegalArgumentException("header '" + name + "' is set by the client");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("bad header name '" + name + "'");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("bad character in the value of header '" + name + "'");
            }
        }
    }

    /** Idle connections per worker URL, for tests and metrics. */
    int idle(String baseUrl) {
        Pool pool = pools.get(baseUrl);
        return pool == null ? 0 : pool.idleCount.get();
    }

    private void evict() {
        long now = System.nanoTime();
        for (Pool pool : pools.values()) {
            pool.evict(now);
            if (pool.idleCount.get() == 0 && now - pool.lastUsed > RETIRE_NANOS) {
                pool.retired = true;
                pools.remove(pool.baseUrl, pool);
                pool.closeAll(); // anything released in between
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        evictor.shutdownNow();
        for (Pool pool : pools.values()) {
            pool.closeAll();
        }
    }

    /** Keep-alive connections to one worker URL: the most recently used first. */
    final class Pool {
        final String baseUrl;
        final String host;
        final int port;
        final boolean https;
        final String hostHeader;
        final String pathPrefix;
        final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
        final AtomicInteger idleCount = new AtomicInteger();
        volatile long lastUsed = System.nanoTime();
        volatile boolean retired;

        Pool(String baseUrl) {
            URI uri;
            try {
                uri = URI.create(baseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad worker URL '" + baseUrl + "': " + e.getMessage(), e);
            }
            String scheme = uri.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("bad worker URL '" + baseUrl + "': expected http(s)://host[:port][/path]");
            }
            this.baseUrl = baseUrl;
            this.https = "https".equalsIgnoreCase(scheme);
            this.host = uri.getHost();
            this.port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
            this.hostHeader = uri.getPort() > 0 ? uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1)
                    : host;
            String prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
            this.pathPrefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        }

        /** An idle connection (the most recent) or a new one. */
        Connection borrow() throws IOException {
            long now = System.nanoTime();
            lastUsed = now;
            Connection c;
            while ((c = idle.pollFirst()) != null) {
                idleCount.decrementAndGet();
                if (now - c.idleSince < settings.idleExpiry().toNanos()) {
                    c.reused = true;
                    return c;
                }
                c.close();
            }
            return connect();
        }

        Connection connect() throws IOException {
            int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, settings.connectTimeout().toMillis()));
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), timeout);
                if (https) {
                    SSLSocket ssl = (SSLSocket) tls.createSocket(socket, host, port, true);
                    SSLParameters parameters = ssl.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                    ssl.setSSLParameters(parameters);
                    socket = ssl;
                }
                return new Connection(socket);
            } catch (SocketTimeoutException e) {
                socket.close();
                throw new ConnectException("connect to " + host + ":" + port + " timed out after " + timeout + " ms");
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        /** Back for the next exchange, unless the pool is full, retired or closed. */
        void release(Connection c) {
            if (closed || retired) {
                c.close();
                return;
            }
            if (idleCount.incrementAndGet() > settings.maxIdlePerWorker()) {
                idleCount.decrementAndGet();
                c.close();
                return;
            }
            c.idleSince = System.nanoTime();
            idle.offerFirst(c);
            if ((retired || closed) && idle.removeFirstOccurrence(c)) { // closeAll() ran meanwhile
                idleCount.decrementAndGet();
                c.close();
            }
        }

        /** Closes the connections idle for longer than the expiry as of {@code now}. */
        void evict(long now) {
            long expiry = settings.idleExpiry().toNanos();
            for (Connection c : idle) {
                if (now - c.idleSince >= expiry && idle.removeFirstOccurrence(c)) {
                    idleCount.decrementAndGet();
                    c.close();
                }
            }
        }

        /** Closes every idle connection. */
        void closeAll() {
            Connection c;
            while ((c = idle.pollFirst()) != null) {
                idleCount.decrementAndGet();
                c.close();
            }
        }
    }

    /** One socket to a worker with its response reader. */
    static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final ResponseReader reader;
        /** Taken from the pool rather than newly made (the worker may have closed it meanwhile). */
        boolean reused;
        long idleSince;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.reader = new ResponseReader(socket.getInputStream(), READ_BUFFER);
        }

        boolean reused() {
            return reused;
        }

        ResponseReader reader() {
            return reader;
        }

        /** Writes the call's request and reads the response head. */
        ResponseHead exchange(UpstreamCall call) throws IOException {
            byte[] head = call.head;
            byte[] body = call.body;
            if (body == null || body.length == 0) {
                out.write(head);
            } else if (head.length + body.length <= ONE_WRITE) {
                byte[] request = new byte[head.length + body.length];
                System.arraycopy(head, 0, request, 0, head.length);
                System.arraycopy(body, 0, request, head.length, body.length);
                out.write(request);
            } else {
                out.write(head);
                out.write(body);
            }
            return reader.readHead();
        }

        /** Drops the connection; safe from any thread, any number of times. */
        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
    }
}
