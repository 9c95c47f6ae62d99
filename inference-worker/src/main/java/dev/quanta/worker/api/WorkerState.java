package dev.quanta.worker.api;

/**
 * Where the worker is in its life: loading the model (requests get 503), ready, draining (shutting down: no new
 * requests), or failed to load. Holds the served model once loaded. Thread-safe.
 */
public final class WorkerState {

    public enum Phase { LOADING, READY, DRAINING, FAILED }

    private final String servedName;
    private final ServingMetrics metrics = new ServingMetrics();
    private volatile Phase phase = Phase.LOADING;
    private volatile ServedModel model;
    private volatile String failure;

    public WorkerState(String servedName) {
        this.servedName = servedName;
    }

    public String servedName() {
        return servedName;
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    public Phase phase() {
        return phase;
    }

    public String failure() {
        return failure;
    }

    public void ready(ServedModel loaded) {
        this.model = loaded;
        this.phase = Phase.READY;
    }

    public void failed(String why) {
        this.failure = why;
        this.phase = Phase.FAILED;
    }

    /** Stop admitting: new requests get 503 from now on. */
    public void drain() {
        this.phase = Phase.DRAINING;
    }

    /** The loaded model whatever the phase, or null before it is loaded (metrics, shutdown). */
    public ServedModel loadedOrNull() {
        return model;
    }

    /** The model for a new request. @throws OpenAiException 503 unless ready */
    public ServedModel serving() {
        Phase p = phase;
        if (p == Phase.READY) {
            return model;
        }
        throw OpenAiException.unavailable(switch (p) {
            case LOADING -> "The model is still loading; retry shortly.";
            case DRAINING -> "The worker is shutting down.";
            case FAILED -> "The model failed to load: " + failure;
            case READY -> throw new AssertionError();
        }, p == Phase.LOADING ? 5 : 30);
    }
}
