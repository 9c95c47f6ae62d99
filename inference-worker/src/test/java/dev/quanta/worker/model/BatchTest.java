package dev.quanta.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BatchTest {

    @Test
    void consecutiveTokensOfOneTableShareOneSequenceAndItsTable() {
        int[] a = {4, 5};
        int[] b = {9};
        Batch batch = new Batch(8).add(1, 0, a, false).add(2, 1, a, false).add(3, 16, a, true).add(7, 3, b, true);
        assertThat(batch.numSeqs()).isEqualTo(2);
        assertThat(new int[] {batch.seqIndex(0), batch.seqIndex(1), batch.seqIndex(2), batch.seqIndex(3)})
                .containsExactly(0, 0, 0, 1);
        assertThat(batch.seqBlockTable(0)).isSameAs(a);
        assertThat(batch.blockTable(3)).isSameAs(b);
        assertThat(batch.numLogits()).isEqualTo(2);
        // a table seen again after another starts a sequence of its own: still correct, one more table row
        batch.add(4, 2, a, false);
        assertThat(batch.numSeqs()).isEqualTo(3);
        assertThat(batch.blockTable(4)).isSameAs(a);
        batch.clear();
        assertThat(batch.size()).isZero();
        assertThat(batch.numSeqs()).isZero();
        batch.add(1, 0, b, true);
        assertThat(batch.seqIndex(0)).isZero();
        assertThatThrownBy(() -> new Batch(1).add(1, 0, a, true).add(2, 1, a, true))
                .isInstanceOf(IllegalStateException.class);
    }
}
