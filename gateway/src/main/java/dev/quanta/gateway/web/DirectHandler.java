package dev.quanta.gateway.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request-mapped method that takes {@code (HttpServletRequest, HttpServletResponse)}, returns {@code void} and
 * writes its whole response itself: {@link DirectHandlerAdapter} calls it directly instead of Spring MVC's
 * argument resolution, return-value handling and async wrappers. It stays a normal {@code @RequestMapping}
 * method for everything else: routing, the OpenAPI document, and exceptions handled by the controller advice.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DirectHandler {}
