package dev.quanta.worker.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * Blocks with no reference, least recently freed first: new blocks are taken from the head (evicting whatever
 * cached content they hold), freed blocks go to the tail, and a cached block found by a prefix hit is taken out of
 * the middle in O(1). A doubly linked list threaded through the blocks themselves, so nothing is allocated.
 */
final class FreeBlockQueue {

    private KvBlock head;
    private KvBlock tail;
    private int size;

    int size() {
        return size;
    }

    void append(KvBlock b) {
        if (b.queued) {
            throw new IllegalStateException(b + " is already free");
        }
        b.prev = tail;
        b.next = null;
        if (tail == null) {
            head = b;
        } else {
            tail.next = b;
        }
        tail = b;
        b.queued = true;
        size++;
    }

    KvBlock popFirst() {
        KvBlock b = head;
        if (b == null) {
            throw new IllegalStateException("no free block");
        }
        remove(b);
        return b;
    }

    void remove(KvBlock b) {
        if (!b.queued) {
            throw new IllegalStateException(b + " is not free");
        }
        if (b.prev == null) {
            head = b.next;
        } else {
            b.prev.next = b.next;
        }
        if (b.next == null) {
            tail = b.prev;
        } else {
            b.next.prev = b.prev;
        }
        b.prev = null;
        b.next = null;
        b.queued = false;
        size--;
    }

    /** Block ids from head (next evicted) to tail, for tests and diagnostics. */
    List<Integer> ids() {
        List<Integer> out = new ArrayList<>(size);
        for (KvBlock b = head; b != null; b = b.next) {
            out.add(b.id());
        }
        return out;
    }
}
