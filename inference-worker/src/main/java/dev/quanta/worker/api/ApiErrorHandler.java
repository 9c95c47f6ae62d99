package dev.quanta.worker.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the worker answers: under {@code /v1/} in OpenAI's shape ({@code {"error":{...}}}, which the SDKs
 * parse), elsewhere as RFC 9457 problem details. 429 and 503 carry {@code Retry-After}.
 */
@RestControllerAdvice
class ApiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    @ExceptionHandler(OpenAiException.class)
    ResponseEntity<Object> openAi(OpenAiException e, HttpServletRequest request) {
        return respond(request, e);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        String why = e.getMostSpecificCause().getMessage();
        String first = why == null ? "malformed body" : why.lines().findFirst().orElse(why);
        return respond(request, OpenAiException.invalid(null,
                "We could not parse the JSON body of your request: " + first));
    }

    /** The client went away mid-response (its request is already cancelled): nothing can be written, no noise. */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone() {}

    /** Spring MVC's own (404 no such path, 405, 415, ...), else a 500 that is logged. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> other(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse er) {
            HttpStatusCode status = er.getStatusCode();
            String detail = er.getBody().getDetail() != null ? er.getBody().getDetail() : e.getMessage();
            String type = status.value() == 404 ? "not_found_error" : "invalid_request_error";
            return respond(request, new OpenAiException(status.value(), type, detail, null, null, 0));
        }
        log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(request, OpenAiException.internal("internal error: " + e.getClass().getSimpleName()));
    }

    /** The registry's problem type base, so the platform's endpoints share one vocabulary. */
    static final String PROBLEMS = "https://quanta.dev/problems/";

    private static String problemType(OpenAiException e) {
        return switch (e.status()) {
            case 400 -> e.param() != null ? "validation" : "malformed-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "overloaded";
            case 503 -> "unavailable";
            default -> e.status() >= 500 ? "internal" : "bad-request";
        };
    }

    static ResponseEntity<Object> respond(HttpServletRequest request, OpenAiException e) {
        HttpHeaders headers = new HttpHeaders();
        if (e.retryAfterSeconds() > 0) {
            headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
        }
        if (request.getRequestURI().startsWith("/v1/")) {
            headers.setContentType(MediaType.APPLICATION_JSON);
            return ResponseEntity.status(e.status()).headers(headers).body(Json.error(e));
        }
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        HttpStatus status = HttpStatus.valueOf(e.status());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setType(URI.create(PROBLEMS + problemType(e)));
        problem.setTitle(status.getReasonPhrase());
        problem.setInstance(URI.create(request.getRequestURI()));
        if (e.param() != null) {
            problem.setProperty("field", e.param());
        }
        return ResponseEntity.status(e.status()).headers(headers).body(problem);
    }
}
