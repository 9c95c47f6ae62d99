package dev.quanta.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerAdapter;
import org.springframework.web.servlet.ModelAndView;

/**
 * Calls {@link DirectHandler} methods (the proxied inference endpoints) as plain method calls, ahead of
 * {@code RequestMappingHandlerAdapter}. That adapter builds, per request, a web request, a binder factory, a
 * model container, an invocable handler method, an async web request that wraps the response (under every
 * write of the answer) and resolves each argument; for a method that only needs the servlet request and
 * response, that was about 3-4 % of a proxied request's CPU. The handler is still a {@link HandlerMethod}
 * found by the annotation mapping, so the controller advice handles what it throws.
 */
@Component
public class DirectHandlerAdapter implements HandlerAdapter, Ordered {

    /** Per handler method: whether it is a direct handler (checked once; the signature is enforced then). */
    private final Map<Method, Boolean> direct = new ConcurrentHashMap<>();

    @Override
    public int getOrder() {
        return 0; // before RequestMappingHandlerAdapter (lowest precedence)
    }

    @Override
    public boolean supports(Object handler) {
        return handler instanceof HandlerMethod method && direct.computeIfAbsent(method.getMethod(), DirectHandlerAdapter::isDirect);
    }

    /** Whether {@code method} is a direct handler (made accessible); a marked method of another shape is an error. */
    static boolean isDirect(Method method) {
        if (!method.isAnnotationPresent(DirectHandler.class)) {
            return false;
        }
        Class<?>[] types = method.getParameterTypes();
        if (method.getReturnType() != void.class || types.length != 2 || types[0] != HttpServletRequest.class
                || types[1] != HttpServletResponse.class) {
            throw new IllegalStateException("@DirectHandler " + method + " must be void (HttpServletRequest, "
                    + "HttpServletResponse)");
        }
        method.setAccessible(true); // controllers and their methods are package-private
        return true;
    }

    @Override
    public ModelAndView handle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        call((HandlerMethod) handler, request, response);
        return null; // the response is written
    }

    /**
     * Calls a direct handler; what it throws comes out unwrapped (an exception for the controller advice, an
     * error as it is), as from any handler method.
     */
    static void call(HandlerMethod method, HttpServletRequest request, HttpServletResponse response)
            throws Exception {
        try {
            method.getMethod().invoke(method.getBean(), request, response);
        } catch (InvocationTargetException e) {
            switch (e.getCause()) {
                case Exception cause -> throw cause;
                case Error error -> throw error;
                case null, default -> throw e;
            }
        }
    }
}
