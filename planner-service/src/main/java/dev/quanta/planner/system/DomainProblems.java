package dev.quanta.planner.system;

import dev.quanta.edge.problem.ProblemException;
import dev.quanta.planner.domain.InvalidInputException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The pure domain's refusals ({@link InvalidInputException}, which knows no Spring) as the shared catalogue's
 * 400 {@code validation} problem naming the field; every other error is the shared edge's handler's.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class DomainProblems {

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<ProblemDetail> invalidInput(InvalidInputException e) {
        ProblemException problem = ProblemException.invalid(e.field(), e.getMessage());
        return ResponseEntity.status(problem.type().status()).body(problem.toProblem());
    }
}
