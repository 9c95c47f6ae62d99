package dev.quanta.planner.system;

/** A write that clashes with the current state (e.g. an ambiguous name). */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
