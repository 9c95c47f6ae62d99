package dev.quanta.edge.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The credentials a service accepts, as SHA-256 digests only, and the constant-time lookup of a presented
 * bearer token. Pure: no Spring.
 *
 * <p>Each configured entry is {@code [name=]secret} or {@code [name=]sha256:<64 hex digits>} (the digest of
 * the UTF-8 secret, so the secret need never reach the service). Surrounding whitespace of an entry and of a
 * presented token is ignored (a trailing newline from a file or an environment variable must not lock anyone
 * out). A name is 1-64 of {@code [A-Za-z0-9._-]}; without one the name is {@code <role>-<first 8 hex digits
 * of the digest>}. Worker entries need a name: it is the worker id whose lease the credential may touch.
 *
 * <p>Lookup hashes the presented token once and compares it with <em>every</em> configured digest using
 * {@link MessageDigest#isEqual} without stopping at a match, so neither which credential matched, where the
 * first difference is, nor the token's length shows in the timing.
 */
public final class CredentialStore {

    /** Secrets shorter than this are accepted but logged as weak by the caller ({@link #weakEntries()}). */
    public static final int MIN_SECRET_LENGTH = 16;

    private static final Pattern NAMED = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]{0,63})=(.+)$", Pattern.DOTALL);
    private static final Pattern HASHED = Pattern.compile("^sha256:([0-9a-fA-F]{64})$");

    private final List<Credential> credentials;
    private final List<String> weak;

    private CredentialStore(List<Credential> credentials, List<String> weak) {
        this.credentials = List.copyOf(credentials);
        this.weak = List.copyOf(weak);
    }

    /** Builds the store; throws {@link IllegalArgumentException} naming the first unusable entry. */
    public static CredentialStore of(List<String> admin, List<String> workers, List<String> apiKeys,
            List<String> metrics) {
        List<Credential> all = new ArrayList<>();
        List<String> weak = new ArrayList<>();
        add(all, weak, EdgeRole.ADMIN, admin);
        add(all, weak, EdgeRole.WORKER, workers);
        add(all, weak, EdgeRole.API_KEY, apiKeys);
        add(all, weak, EdgeRole.METRICS, metrics);
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                if (MessageDigest.isEqual(all.get(i).sha256(), all.get(j).sha256())) {
                    throw new IllegalArgumentException("the same secret is configured twice (" + all.get(i) + " and "
                            + all.get(j) + "); every credential needs its own");
                }
            }
        }
        return new CredentialStore(all, weak);
    }

    private static void add(List<Credential> into, List<String> weak, EdgeRole role, List<String> entries) {
        if (entries == null) {
            return;
        }
        String property = "quanta.edge." + switch (role) {
            case ADMIN -> "admin-tokens";
            case WORKER -> "worker-tokens";
            case API_KEY -> "api-keys";
            case METRICS -> "metrics-tokens";
        };
        for (String raw : entries) {
            String entry = raw == null ? "" : raw.strip();
            if (entry.isEmpty()) {
                continue; // NOTE: an unset variable (${QUANTA_ADMIN_TOKEN:}) binds as one empty entry
            }
            String name = null;
            String secret = entry;
            Matcher named = NAMED.matcher(entry);
            // NOTE: base64 secrets may contain '=' (padding); only a prefix followed by a plausible secret or
            // digest counts as a name, so "abc==" stays a secret.
            if (named.matches() && (named.group(2).startsWith("sha256:")
                    || named.group(2).length() >= MIN_SECRET_LENGTH)) {
                name = named.group(1);
                secret = named.group(2).strip();
            }
            byte[] digest;
            Matcher hashed = HASHED.matcher(secret);
            if (hashed.matches()) {
                digest = HexFormat.of().parseHex(hashed.group(1).toLowerCase(java.util.Locale.ROOT));
            } else if (secret.startsWith("sha256:")) {
                throw new IllegalArgumentException(property + ": '" + (name == null ? "" : name + "=")
                        + "sha256:…' must be followed by exactly 64 hex digits");
            } else {
                digest = sha256(secret);
                if (secret.length() < MIN_SECRET_LENGTH) {
                    weak.add(property + (name == null ? "" : " '" + name + "'"));
                }
            }
            if (name == null) {
                if (role == EdgeRole.WORKER) {
                    throw new IllegalArgumentException(property + ": every worker credential needs its worker id "
                            + "as a name ('<worker id>=<secret>' or '<worker id>=sha256:<hex>')");
                }
                name = role.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-"
                        + HexFormat.of().formatHex(digest, 0, 4);
            }
            into.add(new Credential(name, role, digest));
        }
    }

    /** The credential {@code token} is, compared in constant time against every configured digest. */
    public Optional<Credential> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] presented = sha256(token.strip());
        Credential found = null;
        for (Credential credential : credentials) {
            // NOTE: no early exit; the comparison count does not depend on which entry matches.
            if (MessageDigest.isEqual(credential.sha256(), presented) && found == null) {
                found = credential;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether any credential of {@code role} is configured. */
    public boolean has(EdgeRole role) {
        return credentials.stream().anyMatch(c -> c.role() == role);
    }

    /** How many credentials of {@code role} are configured. */
    public long count(EdgeRole role) {
        return credentials.stream().filter(c -> c.role() == role).count();
    }

    /** Properties (and names) of plain secrets shorter than {@link #MIN_SECRET_LENGTH} characters. */
    public List<String> weakEntries() {
        return weak;
    }

    /** SHA-256 of the UTF-8 bytes of {@code secret}: the form to put into configuration as {@code sha256:<hex>}. */
    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** {@code sha256:<hex>} of {@code secret}, ready for configuration. */
    public static String hashedEntry(String secret) {
        return "sha256:" + HexFormat.of().formatHex(sha256(secret.strip()));
    }
}
