package dev.quanta.gateway.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The last filter before the dispatcher servlet, after security: a POST to the literal path of a
 * {@link DirectHandler} method (the proxied inference calls) is handed to that method here, and what it throws
 * to the same exception resolvers (the controller advice) the dispatcher would use. Any other request, and any
 * mapping with a pattern, a consumes/produces/params/headers condition or another method, goes on to the
 * dispatcher as before, where {@link DirectHandlerAdapter} calls the same methods.
 *
 * <p>NOTE: the dispatcher's own per-request work (locale and request-attribute holders, the async manager, a
 * look-up in every handler mapping, interceptors, a dozen request attributes) is none of what these methods use
 * (they read the body and write the answer themselves) and was about 4 % of a proxied request's CPU. The routes
 * come from the annotation mapping, so the controllers stay the one place they are declared.
 */
public final class DirectDispatchFilter implements Filter {

    private final RequestMappingHandlerMapping mapping;
    private final HandlerExceptionResolver resolver;
    private final LongAdder served = new LongAdder();
    /** Literal POST path to its direct handler; built on the first request (the mapping is complete by then). */
    private volatile Map<String, HandlerMethod> routes;

    public DirectDispatchFilter(RequestMappingHandlerMapping mapping, HandlerExceptionResolver resolver) {
        this.mapping = mapping;
        this.resolver = resolver;
    }

    /** Requests handled here rather than by the dispatcher, since start-up. */
    public long served() {
        return served.sum();
    }

    /** The literal paths served here. */
    public Map<String, HandlerMethod> routes() {
        Map<String, HandlerMethod> r = routes;
        if (r == null) {
            r = collect(mapping);
            routes = r;
        }
        return r;
    }

    static Map<String, HandlerMethod> collect(RequestMappingHandlerMapping mapping) {
        Map<String, HandlerMethod> found = new HashMap<>();
        mapping.getHandlerMethods().forEach((info, method) -> {
            if (DirectHandlerAdapter.isDirect(method.getMethod()) && plainPost(info)) {
                for (PathPattern pattern : info.getPathPatternsCondition().getPatterns()) {
                    if (!pattern.hasPatternSyntax()) {
                        found.put(pattern.getPatternString(), method.createWithResolvedBean());
                    }
                }
            }
        });
        return Map.copyOf(found);
    }

    private static boolean plainPost(RequestMappingInfo info) {
        return info.getPathPatternsCondition() != null
                && info.getMethodsCondition().getMethods().equals(Set.of(RequestMethod.POST))
                && info.getParamsCondition().isEmpty() && info.getHeadersCondition().isEmpty()
                && info.getConsumesCondition().isEmpty() && info.getProducesCondition().isEmpty();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response
                && request.getMethod().equals("POST")) {
            HandlerMethod handler = routes().get(request.getRequestURI());
            if (handler != null && request.getContextPath().isEmpty()) {
                served.increment();
                dispatch(request, response, handler);
                return;
            }
        }
        chain.doFilter(req, res);
    }

    private void dispatch(HttpServletRequest request, HttpServletResponse response, HandlerMethod handler)
            throws IOException, ServletException {
        try {
            DirectHandlerAdapter.call(handler, request, response);
        } catch (Exception ex) {
            ModelAndView answered = resolver.resolveException(request, response, handler, ex);
            if (answered == null || !answered.isEmpty()) { // unresolved (or a view): as the dispatcher would
                if (ex instanceof IOException io) {
                    throw io;
                }
                if (ex instanceof ServletException se) {
                    throw se;
                }
                throw new ServletException("direct handler " + handler + " failed", ex);
            }
        }
    }
}
