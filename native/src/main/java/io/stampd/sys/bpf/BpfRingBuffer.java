package io.stampd.sys.bpf;

import io.stampd.sys.Libc;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The consumer side of a BPF ring buffer map (BPF_MAP_TYPE_RINGBUF), read straight from its
 * memory mappings as libbpf's ring_buffer__consume does, with no callback into Java from C:
 *
 * <ul>
 * <li>page 0, mapped read-write: the consumer position, which only user space advances;</li>
 * <li>page 1, read-only: the producer position, which the kernel advances;</li>
 * <li>then the data area, read-only, mapped twice in a row so that a record wrapping around
 * its end can be read in one piece.</li>
 * </ul>
 *
 * Each record starts at an 8-octet boundary with an 8-octet header whose first 32-bit word is
 * its length with two flags: BUSY (still being written: stop here) and DISCARD (skip it).
 * Positions are read with acquire and written with release semantics, as the kernel pairs
 * them. One consumer thread per ring; not thread-safe.
 */
public final class BpfRingBuffer implements AutoCloseable {
    private static final int HEADER = 8;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final String name;
    private final long pageSize;
    private final long dataSize;
    private final long mask;
    private final MemorySegment consumerPage;
    private final MemorySegment producerAndData;
    private final MemorySegment data;
    private boolean closed;

    private BpfRingBuffer(String name, long pageSize, long dataSize, MemorySegment consumerPage,
                          MemorySegment producerAndData) {
        this.name = name;
        this.pageSize = pageSize;
        this.dataSize = dataSize;
        this.mask = dataSize - 1;
        this.consumerPage = consumerPage;
        this.producerAndData = producerAndData;
        this.data = producerAndData.asSlice(pageSize, 2 * dataSize);
    }

    /** Maps ring buffer {@code map}; the map must stay open while this is used. */
    @SuppressWarnings("restricted") // mmap'ed memory gets its real size here
    public static BpfRingBuffer open(BpfMap map) {
        if (map.type() != LibBpf.BPF_MAP_TYPE_RINGBUF) {
            throw new IllegalArgumentException("map " + map.name() + " is not a ring buffer (type " + map.type() + ")");
        }
        long pageSize = Libc.pageSize();
        long dataSize = Integer.toUnsignedLong(map.maxEntries());
        String subject = "ring buffer map " + map.name();
        int[] errno = new int[1];
        MemorySegment consumer = Libc.mmapShared(map.fd(), 0, pageSize, Libc.PROT_READ | Libc.PROT_WRITE, errno);
        if (consumer.equals(MemorySegment.NULL)) {
            throw new BpfException("mmap", subject + " (consumer page)", errno[0]);
        }
        consumer = consumer.reinterpret(pageSize);
        MemorySegment producer = Libc.mmapShared(map.fd(), pageSize, pageSize + 2 * dataSize, Libc.PROT_READ, errno);
        if (producer.equals(MemorySegment.NULL)) {
            Libc.munmap(consumer, pageSize);
            throw new BpfException("mmap", subject + " (producer page and data)", errno[0]);
        }
        producer = producer.reinterpret(pageSize + 2 * dataSize);
        return new BpfRingBuffer(map.name(), pageSize, dataSize, consumer, producer);
    }

    /** Octets written by the kernel and not consumed yet (headers and padding included). */
    public long pending() {
        checkOpen();
        return (long) LONG.getAcquire(producerAndData, 0L) - (long) LONG.getAcquire(consumerPage, 0L);
    }

    /**
     * Hands each committed record, up to {@code max}, to {@code consumer} as a read-only segment of
     * its length (valid only during the call), then releases them to the kernel. Stops at the
     * first record still being written. Returns the number of records handed over; discarded
     * records are skipped and not counted.
     */
    public int poll(Consumer<MemorySegment> consumer, int max) {
        checkOpen();
        long consumed = (long) LONG.getAcquire(consumerPage, 0L);
        long produced = (long) LONG.getAcquire(producerAndData, 0L);
        int handed = 0;
        try {
            while (consumed < produced && handed < max) {
                long at = consumed & mask;
                int header = (int) INT.getAcquire(data, at);
                if ((header & BUSY) != 0) {
                    break;
                }
                int length = header & ~(BUSY | DISCARD);
                if ((header & DISCARD) == 0) {
                    consumer.accept(data.asSlice(at + HEADER, length).asReadOnly());
                    handed++;
                }
                consumed += (HEADER + length + 7) & ~7L;
            }
        } finally {
            LONG.setRelease(consumerPage, 0L, consumed);
        }
        return handed;
    }

    /** Unmaps the ring. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.munmap(producerAndData, pageSize + 2 * dataSize);
        Libc.munmap(consumerPage, pageSize);
    }

    @Override
    public String toString() {
        return "ring buffer " + name + " (" + dataSize + " octets)";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }
}
