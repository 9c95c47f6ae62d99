package dev.quanta.registry.system;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/**
 * Turns every error that reaches Spring MVC into an RFC 9457 problem detail with one of {@link ProblemTypes}.
 * Validation problems carry {@code errors} (a list of {@code {field, message}}) and {@code field} (the first
 * offending field). Errors raised before MVC (token, body size) are written by the filters themselves.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        return ResponseEntity.status(e.status()).body(e.toProblem());
    }

    @ExceptionHandler(ObjectOptimisticLockingFailureException.class)
    ResponseEntity<ProblemDetail> concurrentUpdate(ObjectOptimisticLockingFailureException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "the record was changed by another request while this one was applied; read it again and retry");
        problem.setType(ProblemTypes.STALE_VERSION);
        problem.setTitle("Stale version");
        problem.setProperty("field", "version");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException e) {
        // NOTE: services check duplicates and field rules first; reaching this means a race (two requests
        // creating the same key) or a rule only the schema knows. The transaction has been rolled back.
        log.info("write refused by a database constraint: {}", e.getMostSpecificCause().getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "the write conflicts with data already stored (a database constraint refused it); nothing was changed");
        problem.setType(ProblemTypes.CONFLICT);
        problem.setTitle("Conflict");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected error", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "an unexpected error occurred; nothing was changed");
        problem.setType(ProblemTypes.INTERNAL);
        problem.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (FieldError error : ex.getBindingResult().getFieldErrors()) {
            errors.add(fieldError(error.getField(), error.getDefaultMessage()));
        }
        ex.getBindingResult().getGlobalErrors().forEach(error -> errors.add(fieldError(
                error.getObjectName(), error.getDefaultMessage())));
        errors.sort((a, b) -> a.get("field").compareTo(b.get("field")));
        return validation(errors, headers);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        ex.getParameterValidationResults().forEach(result -> result.getResolvableErrors().forEach(error ->
                errors.add(fieldError(result.getMethodParameter().getParameterName(), error.getDefaultMessage()))));
        return validation(errors, headers);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String field = ex.getPropertyName() == null ? "parameter" : ex.getPropertyName();
        return validation(List.of(fieldError(field, "must be a valid " + simpleType(ex.getRequiredType())
                + ", got '" + ex.getValue() + "'")), headers);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return validation(List.of(fieldError(ex.getParameterName(), "is required")), headers);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof PayloadTooLargeException tooLarge) {
                ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                        tooLarge.getMessage());
                problem.setType(ProblemTypes.PAYLOAD_TOO_LARGE);
                problem.setTitle("Request body too large");
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).headers(headers).body(problem);
            }
        }
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        problem.setType(ProblemTypes.MALFORMED_REQUEST);
        problem.setTitle("Malformed request body");
        String field = null;
        if (ex.getCause() instanceof JacksonException jackson && !(jackson instanceof StreamReadException)) {
            field = jsonPath(jackson);
        }
        if (field != null && !field.isEmpty()) {
            problem.setDetail("field '" + field + "' has a value of the wrong type or format");
            problem.setProperty("field", field);
        } else if (ex.getCause() instanceof JacksonException jackson) {
            problem.setDetail("the body is not valid JSON: " + jackson.getOriginalMessage());
        } else {
            problem.setDetail("a JSON body is required");
        }
        return ResponseEntity.badRequest().headers(headers).body(problem);
    }

    /** Framework-raised problems (unknown route, 405, 415, …) get our type URIs instead of about:blank. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        // NOTE: the framework passes body == null and builds the ProblemDetail in super, so fix the type after.
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem
                && (problem.getType() == null || URI.create("about:blank").equals(problem.getType()))) {
            problem.setType(ProblemTypes.forStatus(statusCode.value()));
        }
        return response;
    }

    private static ResponseEntity<Object> validation(List<Map<String, String>> errors, HttpHeaders headers) {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        problem.setType(ProblemTypes.VALIDATION);
        problem.setTitle("Invalid request");
        StringBuilder detail = new StringBuilder();
        for (Map<String, String> error : errors) {
            detail.append(detail.isEmpty() ? "" : "; ").append(error.get("field")).append(' ').append(error.get("message"));
        }
        problem.setDetail(detail.toString());
        problem.setProperty("field", errors.isEmpty() ? null : errors.getFirst().get("field"));
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().headers(headers).body(problem);
    }

    private static Map<String, String> fieldError(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        return error;
    }

    /** {@code a.b[2].c} from a Jackson exception's reference path. */
    private static String jsonPath(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String simpleType(Class<?> type) {
        return type == null ? "value" : switch (type.getSimpleName()) {
            case "int", "Integer", "long", "Long" -> "integer";
            default -> type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
