package io.stampd.dataplane.core;

import java.util.Arrays;

/**
 * A binary min-heap of timers on their deadline: O(log n) per operation. The timing wheel keeps
 * here only the timers due further ahead than it spans (intervals of seconds), which are few and
 * slow; every other timer lives in the wheel's buckets. I/O thread only.
 */
final class TimerHeap {
    private EventLoop.Timer[] heap = new EventLoop.Timer[16];
    private int size;

    int size() {
        return size;
    }

    /** The timer due first, or null. */
    EventLoop.Timer peek() {
        return size == 0 ? null : heap[0];
    }

    void add(EventLoop.Timer t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.heapIndex = size;
        heap[size++] = t;
        siftUp(t.heapIndex);
    }

    void remove(EventLoop.Timer t) {
        int i = t.heapIndex;
        EventLoop.Timer last = heap[--size];
        heap[size] = null;
        t.heapIndex = -1;
        if (i < size) {
            heap[i] = last;
            last.heapIndex = i;
            siftDown(i);
            siftUp(last.heapIndex);
        }
    }

    private void siftUp(int i) {
        EventLoop.Timer t = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (heap[p].deadline <= t.deadline) {
                break;
            }
            heap[i] = heap[p];
            heap[i].heapIndex = i;
            i = p;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        EventLoop.Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < size && heap[c + 1].deadline < heap[c].deadline) {
                c++;
            }
            if (t.deadline <= heap[c].deadline) {
                break;
            }
            heap[i] = heap[c];
            heap[i].heapIndex = i;
            i = c;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
