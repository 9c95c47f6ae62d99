package dev.quanta.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys the gateway accepts, held only as SHA-256 digests (a key is a high-entropy random string, so a
 * fast hash is the right one: nothing to brute-force, and every request can afford it), and the admin token's
 * digest. Lookups compare digests, never the secrets. Pure, no Spring.
 */
public final class KeyRing {

    private final Map<String, ApiKey> byDigest = new HashMap<>();
    private final byte[] adminDigest; // null: no admin token configured

    /**
     * @param plainKeys   comma-separated keys (hashed here; blank entries ignored)
     * @param keyDigests  comma-separated SHA-256 hex digests of further keys
     * @param adminToken  the platform's admin token, or blank
     */
    public KeyRing(String plainKeys, String keyDigests, String adminToken) {
        for (String key : split(plainKeys)) {
            add(HexFormat.of().formatHex(sha256(key)));
        }
        for (String digest : split(keyDigests)) {
            if (!digest.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("an API key digest must be 64 hex digits (SHA-256)");
            }
            add(digest.toLowerCase());
        }
        adminDigest = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken.strip());
    }

    private void add(String hexDigest) {
        byDigest.put(hexDigest, new ApiKey(hexDigest.substring(0, 16)));
    }

    public int size() {
        return byDigest.size();
    }

    /** The key {@code presented} is, if it is one. */
    public Optional<ApiKey> apiKey(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDigest.get(HexFormat.of().formatHex(sha256(presented))));
    }

    /** Whether {@code presented} is the admin token (constant-time over the digests). */
    public boolean isAdmin(String presented) {
        return adminDigest != null && presented != null && MessageDigest.isEqual(adminDigest, sha256(presented));
    }

    /** The bearer credential of an {@code Authorization} header value, or null. */
    public static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static String[] split(String csv) {
        if (csv == null || csv.isBlank()) {
            return new String[0];
        }
        return java.util.Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
