package dev.quanta.edge.problem;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/**
 * Turns every error that reaches Spring MVC into an RFC 9457 problem detail of one {@link ProblemType}.
 * Validation problems carry {@code field} (the first offending field or parameter, by name) and
 * {@code errors} ({@code [{field, message}]}). Errors found before MVC (credentials, body size) are written
 * by the edge's filters with the same types. Ordered last, so a service's own advice for its domain
 * exceptions is consulted first.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class EdgeProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(EdgeProblemHandler.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e) {
        if (e.type() == ProblemType.INTERNAL || e.type() == ProblemType.UPSTREAM_BAD_RESPONSE) {
            log.warn("{}: {}", e.type().slug(), e.getMessage(), e.getCause());
        }
        return ResponseEntity.status(e.type().status()).body(e.toProblem());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected error", e);
        return ResponseEntity.internalServerError().body(new ProblemException(ProblemType.INTERNAL,
                "an unexpected error occurred; nothing was changed and the error was logged").toProblem());
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
        ex.getParameterValidationResults().forEach(result -> {
            RequestParam param = result.getMethodParameter().getParameterAnnotation(RequestParam.class);
            String name = param != null && !param.name().isEmpty() ? param.name()
                    : param != null && !param.value().isEmpty() ? param.value()
                    : result.getMethodParameter().getParameterName();
            result.getResolvableErrors().forEach(error -> errors.add(fieldError(name, error.getDefaultMessage())));
        });
        return validation(errors, headers);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String field = ex instanceof MethodArgumentTypeMismatchException m ? m.getName()
                : ex.getPropertyName() == null ? "parameter" : ex.getPropertyName();
        return validation(List.of(fieldError(field, "must be " + describe(ex.getRequiredType())
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
                return ResponseEntity.status(ProblemType.PAYLOAD_TOO_LARGE.status()).headers(headers)
                        .body(new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, tooLarge.getMessage()).toProblem());
            }
        }
        JacksonException jackson = null;
        for (Throwable cause = ex.getCause(); cause != null && jackson == null; cause = cause.getCause()) {
            if (cause instanceof JacksonException j) {
                jackson = j;
            }
        }
        String path = jackson == null || jackson instanceof StreamReadException ? "" : jsonPath(jackson);
        String detail;
        if (!path.isEmpty()) {
            detail = "field '" + path + "' has a value of the wrong type or format";
        } else if (jackson != null) {
            detail = "the body is not valid JSON: " + jackson.getOriginalMessage();
        } else {
            detail = "a JSON body is required";
        }
        return ResponseEntity.badRequest().headers(headers).body(new ProblemException(ProblemType.MALFORMED_REQUEST,
                null, detail, path.isEmpty() ? "body" : path).toProblem());
    }

    /** Framework-raised problems (unknown route, 405, 415, …) keep their status and get our type URIs. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        // NOTE: the framework passes body == null and builds the ProblemDetail in super, so fix the type after.
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem
                && (problem.getType() == null || URI.create("about:blank").equals(problem.getType()))) {
            ProblemType type = ProblemType.forStatus(statusCode.value());
            problem.setType(type.uri());
            if (type.status().value() == statusCode.value()) {
                problem.setTitle(type.title());
            }
        }
        return response;
    }

    private static ResponseEntity<Object> validation(List<Map<String, String>> errors, HttpHeaders headers) {
        StringBuilder detail = new StringBuilder();
        for (Map<String, String> error : errors) {
            detail.append(detail.isEmpty() ? "" : "; ").append(error.get("field")).append(' ')
                    .append(error.get("message"));
        }
        ProblemDetail problem = new ProblemException(ProblemType.VALIDATION, null,
                detail.isEmpty() ? "the request is invalid" : detail.toString(),
                errors.isEmpty() ? null : errors.getFirst().get("field")).toProblem();
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().headers(headers).body(problem);
    }

    private static Map<String, String> fieldError(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", String.valueOf(message));
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

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a valid value";
        }
        return switch (type.getSimpleName()) {
            case "int", "Integer", "long", "Long" -> "an integer";
            case "double", "Double", "float", "Float" -> "a number";
            case "boolean", "Boolean" -> "true or false";
            default -> "a valid " + type.getSimpleName().toLowerCase(Locale.ROOT);
        };
    }
}
