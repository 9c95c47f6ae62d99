package dev.quanta.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.method.HandlerMethod;

class DirectHandlerAdapterTest {

    static class Controller {
        @DirectHandler
        void direct(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getParameter("fail") != null) {
                throw new GatewayException(404, "not_found", "no such model");
            }
            response.setStatus(201);
            response.getWriter().write("written by the handler");
        }

        void annotated(HttpServletRequest request, HttpServletResponse response) {}

        @DirectHandler
        String wrongSignature(HttpServletRequest request) {
            return "";
        }
    }

    private final DirectHandlerAdapter adapter = new DirectHandlerAdapter();
    private final Controller controller = new Controller();

    private HandlerMethod handler(String name, Class<?>... types) throws NoSuchMethodException {
        return new HandlerMethod(controller, Controller.class.getDeclaredMethod(name, types));
    }

    @Test
    void takesOnlyMethodsMarkedDirect() throws Exception {
        assertThat(adapter.supports(handler("direct", HttpServletRequest.class, HttpServletResponse.class))).isTrue();
        assertThat(adapter.supports(handler("annotated", HttpServletRequest.class, HttpServletResponse.class))).isFalse();
        assertThat(adapter.supports(new Object())).isFalse();
    }

    @Test
    void refusesAMarkedMethodOfAnotherSignature() {
        assertThatThrownBy(() -> adapter.supports(handler("wrongSignature", HttpServletRequest.class)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must be void");
    }

    @Test
    void callsTheMethodWhichWritesTheResponse() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        assertThat(adapter.handle(new MockHttpServletRequest("POST", "/x"), response,
                handler("direct", HttpServletRequest.class, HttpServletResponse.class))).isNull();
        assertThat(response.getStatus()).isEqualTo(201);
        assertThat(response.getContentAsString()).isEqualTo("written by the handler");
    }

    @Test
    void passesWhatTheMethodThrowsOnUnwrappedForTheControllerAdvice() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/x");
        request.setParameter("fail", "1");
        assertThatThrownBy(() -> adapter.handle(request, new MockHttpServletResponse(),
                handler("direct", HttpServletRequest.class, HttpServletResponse.class)))
                .isInstanceOf(GatewayException.class).hasMessage("no such model");
    }
}
