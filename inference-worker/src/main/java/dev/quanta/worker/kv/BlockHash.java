package dev.quanta.worker.kv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The identity of a full block's content given everything before it: the first 128 bits of
 * SHA-256(parent hash, extra key, the block's token ids). The extra key (model identity and the request's
 * {@code cache_salt}) enters the first block only; every later block inherits it through the chain, so two
 * requests share a block exactly when the model, the salt and every token up to the block's end are equal
 * (up to a 2^-128 collision).
 */
public record BlockHash(long hi, long lo) {

    /** The parent of a sequence's first block. */
    public static final BlockHash ROOT = new BlockHash(0, 0);

    /**
     * @param parent   hash of the previous block, or {@link #ROOT} for the first
     * @param tokens   token ids
     * @param from     first token of the block in {@code tokens}
     * @param length   tokens in the block (the block size)
     * @param extraKey mixed in for the first block only (model identity, salt); may be null
     */
    public static BlockHash of(BlockHash parent, int[] tokens, int from, int length, String extraKey) {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(16 + 4 * length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(parent.hi).putLong(parent.lo);
        for (int i = 0; i < length; i++) {
            buf.putInt(tokens[from + i]);
        }
        sha.update(buf.array());
        if (parent.equals(ROOT) && extraKey != null) {
            sha.update(extraKey.getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer d = ByteBuffer.wrap(sha.digest());
        return new BlockHash(d.getLong(), d.getLong());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return String.format("%016x%016x", hi, lo);
    }
}
