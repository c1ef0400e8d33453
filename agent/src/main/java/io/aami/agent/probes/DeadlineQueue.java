package io.aami.agent.probes;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The loop's timer: a binary min-heap of attempts by deadline, each attempt knowing its own slot
 * so a probe that finishes early leaves in O(log n) instead of lingering until it would have
 * expired. Loop thread only. Deadlines are System.nanoTime values, compared by difference.
 */
final class DeadlineQueue {
    private ProbeAttempt[] heap = new ProbeAttempt[64];
    private int size;

    int size() {
        return size;
    }

    ProbeAttempt peek() {
        return size == 0 ? null : heap[0];
    }

    void add(ProbeAttempt a) {
        if (a.heapIndex >= 0) {
            throw new IllegalStateException("attempt is already queued");
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = a;
        a.heapIndex = size;
        size++;
        siftUp(a.heapIndex);
    }

    void remove(ProbeAttempt a) {
        int i = a.heapIndex;
        if (i < 0) {
            return;
        }
        a.heapIndex = -1;
        size--;
        ProbeAttempt last = heap[size];
        heap[size] = null;
        if (i == size) {
            return;
        }
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    /** Removes every attempt, handing each to {@code action}. */
    void drain(Consumer<ProbeAttempt> action) {
        ProbeAttempt[] all = Arrays.copyOf(heap, size);
        Arrays.fill(heap, 0, size, null);
        size = 0;
        for (ProbeAttempt a : all) {
            a.heapIndex = -1;
            action.accept(a);
        }
    }

    private void siftUp(int i) {
        ProbeAttempt a = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(a, heap[parent])) {
                break;
            }
            place(heap[parent], i);
            i = parent;
        }
        place(a, i);
    }

    private void siftDown(int i) {
        ProbeAttempt a = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], a)) {
                break;
            }
            place(heap[child], i);
            i = child;
        }
        place(a, i);
    }

    private void place(ProbeAttempt a, int i) {
        heap[i] = a;
        a.heapIndex = i;
    }

    private static boolean before(ProbeAttempt x, ProbeAttempt y) {
        return x.deadlineNanos - y.deadlineNanos < 0;
    }
}
