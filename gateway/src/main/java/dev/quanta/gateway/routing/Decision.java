package dev.quanta.gateway.routing;

import java.util.List;

/**
 * The routing outcome: workers in the order to try them (the first is the choice; the rest are fallbacks
 * for retries before the first byte) and why the first was chosen.
 */
public record Decision(List<Worker> order, Reason reason) {

    public Decision {
        order = List.copyOf(order);
        if (order.isEmpty()) {
            throw new IllegalArgumentException("a decision needs at least one worker");
        }
    }

    public Worker chosen() {
        return order.getFirst();
    }

    /** Why the first worker won; counted in the gateway's metrics. */
    public enum Reason {
        /** Only one worker serves the model. */
        SINGLE_CANDIDATE,
        /** The chosen worker holds more of the prompt's prefix than any other. */
        PREFIX_HIT,
        /** No prefix advantage: chosen by queue depth and KV usage. */
        LOAD,
        /** Round-robin strategy. */
        ROUND_ROBIN,
        /** The request's session header pinned it. */
        SESSION_AFFINITY
    }
}
