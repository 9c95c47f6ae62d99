package dev.quanta.gateway.proxy;

import dev.quanta.gateway.config.GatewayProperties;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Closes upstream streams that stay silent longer than {@code idleTimeout} (a hung worker), which makes the
 * blocked read fail and the relay end. One timer thread checks every registered stream once a second.
 */
@Component
public class IdleWatchdog implements DisposableBean {

    private final long idleNanos;
    private final Map<Watch, Boolean> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("idle-watchdog").factory());

    /** One watched stream; call {@link #touch} on every chunk and {@link #close} when done. */
    public final class Watch implements AutoCloseable {
        private final Closeable stream;
        private volatile long lastActivity = System.nanoTime();
        private volatile boolean expired;

        private Watch(Closeable stream) {
            this.stream = stream;
        }

        public void touch() {
            lastActivity = System.nanoTime();
        }

        public boolean expired() {
            return expired;
        }

        @Override
        public void close() {
            active.remove(this);
        }
    }

    public IdleWatchdog(GatewayProperties properties) {
        this.idleNanos = properties.upstream().idleTimeout().toNanos();
        timer.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    public Watch watch(Closeable stream) {
        Watch w = new Watch(stream);
        active.put(w, Boolean.TRUE);
        return w;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watch w : active.keySet()) {
            if (now - w.lastActivity > idleNanos) {
                w.expired = true;
                active.remove(w);
                try {
                    w.stream.close();
                } catch (IOException ignored) {
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
