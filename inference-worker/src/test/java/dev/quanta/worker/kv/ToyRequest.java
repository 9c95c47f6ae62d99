package dev.quanta.worker.kv;

import java.util.Arrays;

/** A sequence for KV tests: an id, tokens and a salt, nothing else. */
final class ToyRequest implements KvRequest {

    private final String id;
    private int[] tokens;
    private final String salt;

    ToyRequest(String id, int[] tokens, String salt) {
        this.id = id;
        this.tokens = tokens;
        this.salt = salt;
    }

    /** Tokens 0, 1, ..., n-1 offset by {@code base}. */
    static ToyRequest counting(String id, int n, int base) {
        int[] t = new int[n];
        Arrays.setAll(t, i -> base + i);
        return new ToyRequest(id, t, null);
    }

    void append(int token) {
        tokens = Arrays.copyOf(tokens, tokens.length + 1);
        tokens[tokens.length - 1] = token;
    }

    @Override
    public String kvId() {
        return id;
    }

    @Override
    public int numTokens() {
        return tokens.length;
    }

    @Override
    public int[] tokens() {
        return tokens;
    }

    @Override
    public String cacheSalt() {
        return salt;
    }
}
