package dev.quanta.edge.security;

/**
 * A configured credential: who presents it ({@code name}), what it may do ({@code role}) and the SHA-256 of
 * the secret (32 bytes). The secret itself is never kept.
 */
public record Credential(String name, EdgeRole role, byte[] sha256) {

    public Credential {
        if (sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + sha256.length);
        }
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public String toString() {
        return role + " credential '" + name + "'";
    }
}
