package dev.quanta.gateway.routing;

/** A live worker serving the requested model, with its last known load. */
public record Candidate(Worker worker, WorkerLoad load) {}
