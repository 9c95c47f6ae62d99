package dev.quanta.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrefixIndexTest {

    private final PrefixHasher hasher = new PrefixHasher(4, 256);

    @Test
    void hashesOnlyFullChunksAndChainsThem() {
        long[] a = hasher.hashes("m", "abcdefghij"); // 2 full chunks, "ij" ignored
        long[] b = hasher.hashes("m", "abcdXXXXij");
        assertThat(a).hasSize(2);
        assertThat(b[0]).isEqualTo(a[0]);
        assertThat(b[1]).isNotEqualTo(a[1]);
        // the same chunk after a different first chunk hashes differently (chained)
        assertThat(hasher.hashes("m", "zzzzefgh")[1]).isNotEqualTo(a[1]);
    }

    @Test
    void modelNameIsPartOfTheHash() {
        assertThat(hasher.hashes("m1", "abcd")[0]).isNotEqualTo(hasher.hashes("m2", "abcd")[0]);
    }

    @Test
    void capsTheNumberOfBlocks() {
        assertThat(new PrefixHasher(4, 3).hashes("m", "a".repeat(100))).hasSize(3);
    }

    @Test
    void matchesTheLongestLeadingRunPerWorker() {
        PrefixIndex index = new PrefixIndex(100);
        index.record("w1", hasher.hashes("m", "aaaabbbbcccc"));
        index.record("w2", hasher.hashes("m", "aaaabbbb"));
        index.record("w3", hasher.hashes("m", "xxxxbbbbcccc"));
        Map<String, Integer> matched = index.longestPrefixMatch(hasher.hashes("m", "aaaabbbbccccdddd"));
        assertThat(matched).containsExactlyInAnyOrderEntriesOf(Map.of("w1", 3, "w2", 2));
    }

    @Test
    void evictsTheLeastRecentlyUsedHashOfAWorker() {
        PrefixIndex index = new PrefixIndex(2);
        long[] ab = hasher.hashes("m", "aaaabbbb");
        index.record("w", ab);
        index.record("w", ab); // refresh both
        long[] c = hasher.hashes("m", "cccc");
        index.record("w", c); // evicts ab[0], the oldest
        assertThat(index.size("w")).isEqualTo(2);
        assertThat(index.longestPrefixMatch(ab)).isEmpty();
        assertThat(index.longestPrefixMatch(c)).containsEntry("w", 1);
    }

    @Test
    void forgetsAWorkerThatLeft() {
        PrefixIndex index = new PrefixIndex(10);
        long[] h = hasher.hashes("m", "aaaa");
        index.record("w", h);
        index.remove("w");
        assertThat(index.longestPrefixMatch(h)).isEmpty();
        assertThat(index.size("w")).isZero();
    }
}
