package dev.quanta.registry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class AdminTokenFilterTest {

    private static AdminTokenFilter filter(String token) {
        return new AdminTokenFilter(new RegistryProperties(token, Path.of("models"), Duration.ofSeconds(30), 65536, 200),
                new ProblemWriter(JsonMapper.builder().build()));
    }

    private static MockHttpServletResponse run(AdminTokenFilter filter, String method, String authorization)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/models");
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        if (chain.getRequest() != null) {
            response.setStatus(299); // marks "passed to the application"
        }
        return response;
    }

    @Test
    void readsPassWithoutToken() throws Exception {
        assertThat(run(filter("secret"), "GET", null).getStatus()).isEqualTo(299);
        assertThat(run(filter(""), "HEAD", null).getStatus()).isEqualTo(299);
    }

    @Test
    void writesNeedTheExactToken() throws Exception {
        AdminTokenFilter filter = filter("secret");
        assertThat(run(filter, "POST", "Bearer secret").getStatus()).isEqualTo(299);
        assertThat(run(filter, "DELETE", "bearer secret").getStatus()).as("scheme is case-insensitive").isEqualTo(299);
        assertThat(run(filter, "POST", null).getStatus()).isEqualTo(401);
        assertThat(run(filter, "POST", "Bearer ").getStatus()).isEqualTo(401);
        assertThat(run(filter, "POST", "Token secret").getStatus()).isEqualTo(401);
        assertThat(run(filter, "PUT", "Bearer secre").getStatus()).isEqualTo(403);
        assertThat(run(filter, "PUT", "Bearer secrets").getStatus()).isEqualTo(403);
        assertThat(run(filter, "PATCH", "Bearer SECRET").getStatus()).isEqualTo(403);
    }

    @Test
    void withoutAConfiguredTokenEveryWriteIsForbidden() throws Exception {
        for (String token : new String[] {"", "   "}) {
            AdminTokenFilter filter = filter(token);
            MockHttpServletResponse response = run(filter, "POST", "Bearer anything");
            assertThat(response.getStatus()).isEqualTo(403);
            assertThat(response.getContentType()).startsWith("application/problem+json");
            assertThat(response.getContentAsString()).contains("https://quanta.dev/problems/forbidden")
                    .contains("QUANTA_ADMIN_TOKEN");
            assertThat(run(filter, "POST", "Bearer ").getStatus()).isEqualTo(401);
        }
    }

    @Test
    void unauthorizedResponseIsAProblemWithAChallenge() throws Exception {
        MockHttpServletResponse response = run(filter("secret"), "POST", null);
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.getContentAsString()).contains("\"status\":401")
                .contains("https://quanta.dev/problems/unauthorized");
    }
}
