package dev.quanta.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.quanta.edge.problem.PayloadTooLargeException;
import org.springframework.core.annotation.Order;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error leaves in its API's shape: OpenAI on /v1, Ollama on /api, RFC 9457 elsewhere. */
@RestControllerAdvice
@Order(0) // before the edge's problem handler, which only knows RFC 9457
class ErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(ErrorAdvice.class);

    @ExceptionHandler(GatewayException.class)
    void gateway(GatewayException e, HttpServletRequest request, HttpServletResponse response) throws IOException {
        ErrorWriter.write(response, request.getRequestURI(), request.getRequestURI(), e);
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    void tooLarge(PayloadTooLargeException e, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        ErrorWriter.write(response, request.getRequestURI(), request.getRequestURI(),
                new GatewayException(413, "request_too_large", "request body exceeds " + e.limit() + " bytes"));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    void notFound(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ErrorWriter.write(response, request.getRequestURI(), request.getRequestURI(),
                new GatewayException(404, "not_found", "no such endpoint: " + request.getRequestURI()));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    void method(HttpRequestMethodNotSupportedException e, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        ErrorWriter.write(response, request.getRequestURI(), request.getRequestURI(),
                new GatewayException(405, "method_not_allowed", e.getMessage()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    void mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        ErrorWriter.write(response, request.getRequestURI(), request.getRequestURI(),
                new GatewayException(415, "unsupported_media_type", e.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    void unexpected(Exception e, HttpServletRequest request, HttpServletResponse response) throws IOException {
        log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        ErrorWriter.write(response, request.getRequestURI(), request.getRequestURI(),
                new GatewayException(500, "internal_error", "internal error in the gateway"));
    }
}
