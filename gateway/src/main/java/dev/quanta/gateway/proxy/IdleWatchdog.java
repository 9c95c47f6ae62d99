package dev.quanta.gateway.proxy;

import dev.quanta.gateway.config.GatewayProperties;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Every deadline of an upstream exchange, kept by one timer thread: a {@link Watch} closes its exchange (which
 * makes the blocked read fail) once it has been silent longer than its allowance: the first-byte timeout until
 * the response headers arrive, the idle timeout after that, counted from the last {@link Watch#touch}.
 *
 * <p>NOTE: the reads themselves have no timeout. A timed socket read on a virtual thread arms and cancels a
 * timer in the JDK's scheduler on every read; sweeping all live exchanges a few times a second costs one map
 * walk for all of them instead (measured in the gateway's note). A watch that is never closed is dropped by the
 * sweep once it expires, so a leak is bounded by the timeout.
 */
@Component
public class IdleWatchdog implements DisposableBean {

    private final long idleNanos;
    private final long sweepMillis;
    private final Map<Watch, Boolean> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("idle-watchdog").factory());

    /** One watched exchange; call {@link #touch} on progress and {@link #close} when done. */
    public final class Watch implements AutoCloseable {
        private final Closeable stream;
        /** Silence allowed from the last progress; written by the exchange's own thread only. */
        private long allowanceNanos;
        /** When the exchange is closed unless it makes progress first ({@link System#nanoTime} scale). */
        private volatile long deadline;
        private volatile boolean expired;

        private Watch(Closeable stream, long allowanceNanos) {
            this.stream = stream;
            this.allowanceNanos = allowanceNanos;
            touch();
        }

        /** Progress: the silence is counted again from now. */
        public void touch() {
            deadline = System.nanoTime() + allowanceNanos;
        }

        /** From now on the exchange may stay silent for the idle timeout (the response has begun). */
        public void idle() {
            allowanceNanos = idleNanos;
            touch();
        }

        /** Whether the watchdog closed the exchange (a read that failed afterwards failed because of it). */
        public boolean expired() {
            return expired;
        }

        @Override
        public void close() {
            active.remove(this);
        }
    }

    public IdleWatchdog(GatewayProperties properties) {
        GatewayProperties.Upstream upstream = properties.upstream();
        this.idleNanos = upstream.idleTimeout().toNanos();
        long shortestMillis = Math.min(upstream.idleTimeout().toMillis(), upstream.firstByteTimeout().toMillis());
        // a quarter of the shorter allowance, at most a second: a deadline is kept to within that
        this.sweepMillis = Math.clamp(shortestMillis / 4, 10, 1000);
        timer.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /** Watches an exchange that may stay silent for {@code allowance} (until {@link Watch#idle}) before it is closed. */
    public Watch watch(Closeable stream, Duration allowance) {
        Watch w = new Watch(stream, allowance.toNanos());
        active.put(w, Boolean.TRUE);
        return w;
    }

    /** Exchanges being watched now. */
    int active() {
        return active.size();
    }

    /** How often the deadlines are checked. */
    long sweepMillis() {
        return sweepMillis;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watch w : active.keySet()) {
            if (now - w.deadline > 0) {
                w.expired = true;
                active.remove(w);
                try {
                    w.stream.close();
                } catch (IOException | RuntimeException ignored) {
                    // closing is all we can do
                }
            }
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
