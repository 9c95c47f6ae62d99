package dev.quanta.gateway.routing;

/** How the gateway picks among the workers serving a model. */
public enum Strategy {
    /** Each model's workers in turn, ignoring load and cache. */
    ROUND_ROBIN,
    /** Queue depth and KV usage only (the prefix weight is treated as 0). */
    LEAST_LOADED,
    /** Prefix affinity, queue depth and KV usage, weighted (the default). */
    PREFIX_AWARE
}
