package dev.quanta.gateway.web;

/** Which API a path belongs to, which decides the shape of its errors. */
public enum ApiFamily {
    /** {@code /v1/*}: OpenAI's {@code {"error":{"message","type","param","code"}}}. */
    OPENAI,
    /** {@code /api/*}: Ollama's {@code {"error":"..."}}. */
    OLLAMA,
    /** Everything else (platform, actuator): RFC 9457 problem details. */
    PLATFORM;

    public static ApiFamily of(String path) {
        if (path.startsWith("/v1/") || path.equals("/v1")) {
            return OPENAI;
        }
        if (path.startsWith("/api/")) {
            return OLLAMA;
        }
        return PLATFORM;
    }
}
