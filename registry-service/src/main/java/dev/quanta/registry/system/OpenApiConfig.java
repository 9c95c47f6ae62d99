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
                Reads are open. Writes (POST, PUT, PATCH, DELETE) need 'Authorization: Bearer <QUANTA_ADMIN_TOKEN>';
                PUT/DELETE /workers/{id} also accept that worker's own credential (QUANTA_WORKER_TOKEN).
                No credential, or a token that is none: 401; a credential whose role may not do it: 403.
                Every error is an RFC 9457 problem detail (application/problem+json) with a type under
                https://quanta.dev/problems/ and, for validation, 'field' and 'errors' naming the offending fields.
                Request bodies over quanta.edge.max-body-bytes (64 KiB) get 413.
                Optimistic locking: PUT /models/{key} carries the version read (body 'version' or
                If-Match: "<version>", the ETag of GET); a stale version gets 409."""),
        security = @SecurityRequirement(name = "adminToken"))
@SecurityScheme(name = "adminToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The admin token (QUANTA_ADMIN_TOKEN) on writes, or a worker's own token on its lease")
class OpenApiConfig {}
