package dev.quanta.planner.system;

import dev.quanta.edge.problem.ProblemException;
import dev.quanta.edge.problem.ProblemType;

/** A write that clashes with the current state (e.g. an ambiguous name): 409 {@code conflict}. */
public class ConflictException extends ProblemException {

    public ConflictException(String message) {
        super(ProblemType.CONFLICT, message);
    }
}
