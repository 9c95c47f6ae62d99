package dev.quanta.worker.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The KV manager on a toy pool: 12 blocks of 16 tokens, no model. */
class KvCacheManagerTest {

    private final KvCacheManager kv = new KvCacheManager(12, 16, "toy-model", true);

    @AfterEach
    void everyBlockIsFreeOrMerelyCached() {
        for (int i = 0; i < kv.pool().numBlocks(); i++) {
            kv.free("a");
            kv.free("b");
            kv.free("c");
        }
        assertThat(kv.pool().numFree()).isEqualTo(12);
        assertThat(kv.usage()).isZero();
    }

    @Test
    void allocatesBlocksInIdOrderWithOneReferenceEach() {
        ToyRequest a = ToyRequest.counting("a", 40, 0);
        List<KvBlock> blocks = kv.allocate(a, 0, 40, kv.computedBlocks(a));
        assertThat(blocks).extracting(KvBlock::id).containsExactly(0, 1, 2);
        assertThat(blocks).extracting(KvBlock::refCount).containsExactly(1, 1, 1);
        assertThat(kv.pool().numFree()).isEqualTo(9);
        assertThat(kv.blockTable("a")).containsExactly(0, 1, 2);
    }

    @Test
    void growsASequenceOnlyWhenItCrossesABlockBoundary() {
        ToyRequest a = ToyRequest.counting("a", 16, 0);
        kv.allocate(a, 0, 16, null);
        a.append(99);
        assertThat(kv.allocate(a, 16, 1, null)).extracting(KvBlock::id).containsExactly(0, 1);
        a.append(98);
        assertThat(kv.allocate(a, 17, 1, null)).extracting(KvBlock::id).containsExactly(0, 1);
    }

    @Test
    void saysDoesNotFitAndChangesNothing() {
        ToyRequest a = ToyRequest.counting("a", 16 * 12, 0);
        ToyRequest b = ToyRequest.counting("b", 17, 500);
        assertThat(kv.allocate(a, 0, 16 * 11, null)).hasSize(11);
        assertThat(kv.allocate(b, 0, 17, null)).isNull();
        assertThat(kv.pool().numFree()).isEqualTo(1);
        assertThat(kv.blocks("b")).isEmpty();
    }

    @Test
    void sharesCachedFullBlocksAcrossRequestsAndLeavesTheLastTokenToCompute() {
        ToyRequest a = ToyRequest.counting("a", 40, 0);
        kv.allocate(a, 0, 40, kv.computedBlocks(a));
        kv.cacheBlocks(a, 40);
        // b shares the first 32 tokens, then differs
        int[] tb = ToyRequest.counting("x", 50, 0).tokens();
        tb[35] = 7777;
        ToyRequest b = new ToyRequest("b", tb, null);
        ComputedBlocks hit = kv.computedBlocks(b);
        assertThat(hit.blocks()).extracting(KvBlock::id).containsExactly(0, 1);
        assertThat(hit.numTokens()).isEqualTo(32);
        List<KvBlock> blocks = kv.allocate(b, 32, 18, hit);
        assertThat(blocks).extracting(KvBlock::id).containsExactly(0, 1, 3, 4);
        assertThat(kv.pool().block(0).refCount()).isEqualTo(2);
        assertThat(kv.pool().block(2).refCount()).isEqualTo(1);

        // a prompt made only of cached blocks hits all of them and computes its last token again, for its logits
        ToyRequest c = ToyRequest.counting("c", 32, 0);
        ComputedBlocks all = kv.computedBlocks(c);
        assertThat(all.blocks()).extracting(KvBlock::id).containsExactly(0, 1);
        assertThat(all.numTokens()).isEqualTo(31);
        assertThat(all.heldTokens()).isEqualTo(32);
        assertThat(kv.allocate(c, 31, 1, all)).extracting(KvBlock::id).containsExactly(0, 1);
        assertThat(kv.pool().block(1).refCount()).isEqualTo(3);
    }

    @Test
    void aDifferentSaltOrModelNeverShares() {
        ToyRequest a = ToyRequest.counting("a", 33, 0);
        kv.allocate(a, 0, 33, null);
        kv.cacheBlocks(a, 33);
        ToyRequest salted = new ToyRequest("b", a.tokens().clone(), "tenant-2");
        assertThat(kv.computedBlocks(salted).blocks()).isEmpty();
        KvCacheManager other = new KvCacheManager(12, 16, "other-model", true);
        ToyRequest same = new ToyRequest("c", a.tokens().clone(), null);
        assertThat(other.computedBlocks(same).blocks()).isEmpty();
        assertThat(kv.computedBlocks(same).blocks()).extracting(KvBlock::id).containsExactly(0, 1);
    }

    @Test
    void freedBlocksQueueTailFirstAndCachedOnesStayReusableUntilNeeded() {
        ToyRequest a = ToyRequest.counting("a", 48, 0);
        kv.allocate(a, 0, 48, null);
        kv.cacheBlocks(a, 48);
        kv.free("a");
        // never-used blocks 3..11 first, then a's blocks tail first: 2, 1, 0
        assertThat(kv.pool().freeQueueIds()).containsExactly(3, 4, 5, 6, 7, 8, 9, 10, 11, 2, 1, 0);
        assertThat(kv.pool().numCached()).isEqualTo(3);

        // a hit on a free cached block takes it out of the middle of the queue
        ToyRequest b = ToyRequest.counting("b", 20, 0);
        ComputedBlocks hit = kv.computedBlocks(b);
        assertThat(hit.blocks()).extracting(KvBlock::id).containsExactly(0);
        kv.allocate(b, 16, 4, hit);
        assertThat(kv.blockTable("b")).containsExactly(0, 3);
        assertThat(kv.pool().freeQueueIds()).containsExactly(4, 5, 6, 7, 8, 9, 10, 11, 2, 1);
        kv.free("b");

        // filling the pool evicts least recently freed first: block 2 (a's tail) goes before block 1
        ToyRequest c = ToyRequest.counting("c", 16 * 9 + 1, 1000);
        kv.allocate(c, 0, 16 * 9 + 1, null);
        assertThat(kv.blockTable("c")).containsExactly(4, 5, 6, 7, 8, 9, 10, 11, 2, 1);
        assertThat(kv.pool().evictions()).isEqualTo(2);
        assertThat(kv.computedBlocks(ToyRequest.counting("d", 40, 0)).blocks()).extracting(KvBlock::id)
                .containsExactly(0);
    }

    @Test
    void hitsCountTokensOnlyWhenRecorded() {
        ToyRequest a = ToyRequest.counting("a", 33, 0);
        kv.allocate(a, 0, 33, null);
        kv.cacheBlocks(a, 33);
        ToyRequest b = ToyRequest.counting("b", 40, 0);
        ComputedBlocks hit = kv.computedBlocks(b);
        assertThat(kv.queriedTokens()).isZero();
        kv.recordLookup(b.numTokens(), hit.numTokens());
        assertThat(kv.queriedTokens()).isEqualTo(40);
        assertThat(kv.hitTokens()).isEqualTo(32);
    }

    @Test
    void forkSharesFullBlocksAndCopiesThePartlyFilledLast() {
        ToyRequest a = ToyRequest.counting("a", 37, 0);
        kv.allocate(a, 0, 37, null);
        kv.cacheBlocks(a, 37);
        ToyRequest b = new ToyRequest("b", a.tokens().clone(), null);
        KvCacheManager.Fork fork = kv.fork("a", b, 37);
        assertThat(fork.copy()).isEqualTo(new BlockCopy(2, 3));
        assertThat(kv.blockTable("b")).containsExactly(0, 1, 3);
        assertThat(kv.pool().block(0).refCount()).isEqualTo(2);
        assertThat(kv.pool().block(1).refCount()).isEqualTo(2);
        assertThat(kv.pool().block(2).refCount()).isEqualTo(1);
        // the two diverge in their own last blocks
        a.append(1);
        b.append(2);
        assertThat(kv.allocate(a, 37, 1, null)).extracting(KvBlock::id).containsExactly(0, 1, 2);
        assertThat(kv.allocate(b, 37, 1, null)).extracting(KvBlock::id).containsExactly(0, 1, 3);
        kv.free("a");
        assertThat(kv.pool().block(0).refCount()).isEqualTo(1);
        kv.free("b");
    }

    @Test
    void forkAtABlockBoundaryCopiesNothing() {
        ToyRequest a = ToyRequest.counting("a", 32, 0);
        kv.allocate(a, 0, 32, null);
        KvCacheManager.Fork fork = kv.fork("a", new ToyRequest("b", a.tokens().clone(), null), 32);
        assertThat(fork.copy()).isNull();
        assertThat(kv.blockTable("b")).containsExactly(0, 1);
        assertThat(kv.pool().numFree()).isEqualTo(10);
    }

    @Test
    void forkWithoutAFreeBlockChangesNothing() {
        ToyRequest a = ToyRequest.counting("a", 16 * 11 + 5, 0);
        kv.allocate(a, 0, 16 * 11 + 5, null);
        assertThat(kv.pool().numFree()).isZero();
        assertThat(kv.fork("a", new ToyRequest("b", a.tokens().clone(), null), 16 * 11 + 5)).isNull();
        assertThat(kv.pool().block(0).refCount()).isEqualTo(1);
        assertThat(kv.blocks("b")).isEmpty();
    }

    @Test
    void releasingMoreThanReferencedIsABug() {
        ToyRequest a = ToyRequest.counting("a", 3, 0);
        List<KvBlock> blocks = kv.allocate(a, 0, 3, null);
        kv.pool().release(List.of(blocks.getFirst()));
        assertThatThrownBy(() -> kv.pool().release(List.of(kv.pool().block(0))))
                .isInstanceOf(IllegalStateException.class);
        kv.pool().touch(List.of(kv.pool().block(0)));
    }
}
