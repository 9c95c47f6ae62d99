package dev.quanta.gateway.proxy;

import java.io.IOException;
import org.springframework.stereotype.Component;

/**
 * The read loop every streamed response shares, whichever API it is passed on in: the worker's SSE stream
 * is split into events as they arrive, each handed to the caller's callback at once, under the upstream's
 * idle watch (touched on every event); the upstream response is closed at the end (back to the pool when read
 * to its end, dropped otherwise, which cancels the request on the worker).
 */
@Component
public class SseRelay {

    /** How a relayed stream ended; {@link #label} is the outcome in the gateway's metrics. */
    public enum End {
        COMPLETE("ok"),
        UPSTREAM_IDLE_TIMEOUT("upstream_idle_timeout"),
        UPSTREAM_BROKEN("upstream_broken"),
        CLIENT_CANCELLED("client_cancelled");

        private final String label;

        End(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Receives each event (raw bytes, blank line included); an IOException means the client is gone. */
    @FunctionalInterface
    public interface EventHandler {
        void onEvent(byte[] event) throws IOException;
    }

    /** Reads {@code upstream}'s events to the end, handing each to {@code handler}; closes {@code upstream}. */
    public End relay(Forwarder.Upstream upstream, EventHandler handler) {
        IdleWatchdog.Watch watch = upstream.watch();
        try (upstream) {
            SseEvents events = new SseEvents(upstream.body());
            while (true) {
                byte[] event;
                try {
                    event = events.next();
                } catch (IOException e) {
                    return watch.expired() ? End.UPSTREAM_IDLE_TIMEOUT : End.UPSTREAM_BROKEN;
                }
                if (event == null) {
                    return End.COMPLETE;
                }
                watch.touch();
                try {
                    handler.onEvent(event);
                } catch (IOException clientGone) {
                    return End.CLIENT_CANCELLED;
                }
            }
        }
    }
}
