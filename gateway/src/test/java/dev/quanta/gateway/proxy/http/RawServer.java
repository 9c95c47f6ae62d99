package dev.quanta.gateway.proxy.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker at the socket level for the client's tests: it reads each request off a connection (head and
 * Content-Length body, recorded as text) and answers it with the next scripted {@link Action}, which may write
 * anything, close the connection or say nothing at all.
 */
final class RawServer implements AutoCloseable {

    /** What to do with one request; false ends the connection (the server closes it). */
    @FunctionalInterface
    interface Action {
        boolean answer(Socket socket, OutputStream out) throws IOException;
    }

    static Action respond(String wire) {
        return (socket, out) -> {
            out.write(wire.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        };
    }

    static Action respondThenClose(String wire) {
        return (socket, out) -> {
            respond(wire).answer(socket, out);
            return false;
        };
    }

    static Action silence() {
        return (socket, out) -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
    }

    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    final ServerSocket server;
    final AtomicInteger accepted = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Connections the client ended (its side read EOF or failed). */
    final BlockingQueue<Integer> clientClosed = new LinkedBlockingQueue<>();
    /** Connections this server closed after an action said so. */
    final BlockingQueue<Integer> serverClosed = new LinkedBlockingQueue<>();
    private final BlockingQueue<Action> script = new LinkedBlockingQueue<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RawServer() throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    RawServer(ServerSocket server) {
        this.server = server;
        Thread.ofPlatform().daemon().start(this::acceptLoop);
    }

    RawServer then(Action... actions) {
        script.addAll(List.of(actions));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int id = accepted.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> serve(id, s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(int id, Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String request = readRequest(in);
                if (request == null) {
                    clientClosed.add(id);
                    return;
                }
                requests.add(request);
                Action action = script.poll(10, TimeUnit.SECONDS);
                if (action == null || !action.answer(s, out)) {
                    s.close();
                    serverClosed.add(id);
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            clientClosed.add(id);
        }
    }

    /** One request as text (head and body), or null when the client closed the connection first. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                int length = 0;
                for (String line : text.split("\r\n")) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    /** Waits until a latch-like condition: the next connection id in {@code queue}, or fails after 10 s. */
    static int next(BlockingQueue<Integer> queue) throws InterruptedException {
        Integer id = queue.poll(10, TimeUnit.SECONDS);
        if (id == null) {
            throw new AssertionError("nothing happened within 10 s");
        }
        return id;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
