package dev.quanta.edge.problem;

import java.io.IOException;

/** Thrown while a request body is read once more bytes than the limit have arrived. */
public final class PayloadTooLargeException extends IOException {

    private final long limit;

    public PayloadTooLargeException(long limit) {
        super("request body exceeds the limit of " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
