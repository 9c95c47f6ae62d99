package dev.quanta.gateway.proxy.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One exchange with a worker: made by {@link UpstreamClient#call}, sent by {@link #execute} (which returns once
 * the response head is in), its body read from {@link #body}, then {@link #close closed}. Another thread may
 * {@link #cancel} it at any point: the connection is dropped, which fails a read blocked on it and tells the
 * worker the client is gone.
 */
public final class UpstreamCall implements Closeable {

    private static final int OPEN = 0;
    private static final int CLOSED = 1;
    private static final int CANCELLED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(UpstreamCall.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UpstreamClient.Pool pool;
    final String method;
    final byte[] head;
    final byte[] body;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    private volatile UpstreamClient.Connection connection;
    private ResponseHead response;
    private InputStream responseBody;
    private long contentLength;

    UpstreamCall(UpstreamClient.Pool pool, String method, byte[] head, byte[] body) {
        this.pool = pool;
        this.method = method;
        this.head = head;
        this.body = body;
    }

    /**
     * Sends the request and reads the response head. A pooled connection the worker closed while it was idle is
     * replaced by a new one once, when nothing of a response came back on it.
     *
     * @throws java.net.ConnectException when no connection could be made (refused, or not within the connect timeout)
     * @throws IOException when the exchange failed or was cancelled
     */
    public UpstreamCall execute() throws IOException {
        UpstreamClient.Connection c = pool.borrow();
        attach(c);
        long receivedBefore = c.reader().received();
        try {
            response = c.exchange(this);
        } catch (IOException e) {
            if (!c.reused() || c.reader().received() > receivedBefore || cancelled()) {
                c.close();
                throw e;
            }
            c.close(); // stale: the worker closed it while it sat in the pool
            c = pool.connect();
            attach(c);
            try {
                response = c.exchange(this);
            } catch (IOException again) {
                c.close();
                throw again;
            }
        }
        responseBody = c.reader().body(response, method);
        contentLength = c.reader().bodyLength();
        return this;
    }

    private void attach(UpstreamClient.Connection c) throws IOException {
        connection = c;
        if (cancelled()) { // cancel() ran before the connection was visible to it
            c.close();
            throw new IOException("upstream call cancelled");
        }
    }

    private boolean cancelled() {
        return (int) STATE.getVolatile(this) == CANCELLED;
    }

    public int status() {
        return response.status();
    }

    /** The first value of response field {@code name} (case-insensitive), or null. */
    public String header(String name) {
        return response.header(name);
    }

    /** The response body: ends where the message ends. */
    public InputStream body() {
        return responseBody;
    }

    /** The body's declared length, -1 when unknown (chunked or until close), 0 when there is none. */
    public long contentLength() {
        return contentLength;
    }

    /**
     * Done with the exchange. After a body read to its end the connection goes back to the pool for the next
     * exchange; otherwise it is dropped (the worker sees its client gone and stops).
     */
    @Override
    public void close() {
        if (!STATE.compareAndSet(this, OPEN, CLOSED)) {
            return;
        }
        UpstreamClient.Connection c = connection;
        if (c == null) {
            return;
        }
        ResponseReader reader = c.reader();
        if (response != null && reader.bodyComplete() && reader.framedByLength() && !reader.hasBuffered()
                && response.keepAlive()) {
            pool.release(c);
        } else {
            c.close();
        }
    }

    /** From any thread: drops the connection now, failing a read blocked on it; later calls do nothing. */
    public void cancel() {
        if (STATE.compareAndSet(this, OPEN, CANCELLED)) {
            UpstreamClient.Connection c = connection;
            if (c != null) {
                c.close();
            }
        }
    }
}
