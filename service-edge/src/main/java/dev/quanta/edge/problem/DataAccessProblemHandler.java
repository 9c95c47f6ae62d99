package dev.quanta.edge.problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Database refusals as problems, for services with Spring's data access on the classpath: a concurrent
 * update is 409 {@code stale-version}, a constraint violation 409 {@code conflict}. Ordered just before
 * {@link EdgeProblemHandler} (whose catch-all would otherwise answer 500).
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE - 1)
public class DataAccessProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(DataAccessProblemHandler.class);

    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<ProblemDetail> concurrentUpdate(OptimisticLockingFailureException e) {
        return respond(new ProblemException(ProblemType.STALE_VERSION, null,
                "the record was changed by another request while this one was applied; read it again and retry",
                "version"));
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException e) {
        // NOTE: services check duplicates and field rules first; reaching this means a race (two requests
        // creating the same key) or a rule only the schema knows. The transaction has been rolled back.
        log.info("write refused by a database constraint: {}", e.getMostSpecificCause().getMessage());
        return respond(new ProblemException(ProblemType.CONFLICT,
                "the write conflicts with data already stored (a database constraint refused it); nothing was changed"));
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemException e) {
        return ResponseEntity.status(e.type().status()).body(e.toProblem());
    }
}
