package dev.quanta.registry.system;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at {@code /v3/api-docs} (UI at {@code /swagger-ui.html}). */
@Configuration
@OpenAPIDefinition(
        info = @Info(title = "Quanta registry", version = "v1", description = """
                Model profiles, their artifacts, GGUF import and worker leases.
                Reads are open. Writes (POST, PUT, DELETE) need 'Authorization: Bearer <QUANTA_ADMIN_TOKEN>';
                missing token: 401, wrong token or none configured: 403.
                Every error is an RFC 9457 problem detail (application/problem+json) with a type under
                https://quanta.dev/problems/ and, for validation, 'field' and 'errors' naming the offending fields.
                Request bodies over quanta.registry.max-body-bytes (64 KiB) get 413.
                Optimistic locking: PUT /models/{key} carries the version read (body 'version' or
                If-Match: "<version>", the ETag of GET); a stale version gets 409."""),
        security = @SecurityRequirement(name = "adminToken"))
@SecurityScheme(name = "adminToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The admin token (QUANTA_ADMIN_TOKEN); required on writes only")
class OpenApiConfig {}
