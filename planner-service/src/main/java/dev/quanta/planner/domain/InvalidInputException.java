package dev.quanta.planner.domain;

/** Input the planner cannot work with; {@code field} names the offending field or parameter. */
public class InvalidInputException extends RuntimeException {

    private final String field;

    public InvalidInputException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
