package io.stampd.dataplane.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter with one writer (the I/O thread) and any number of readers: the writer adds with a
 * plain read and a release store, no locked instruction; readers see every value in order. The
 * pattern of Agrona's AtomicCounter, for the few counters a data plane keeps per node and session.
 */
public final class Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through VALUE
    private long value;

    /** Adds one. Writer thread only. */
    public void increment() {
        VALUE.setRelease(this, (long) VALUE.get(this) + 1);
    }

    /** Adds {@code n}. Writer thread only. */
    public void add(long n) {
        VALUE.setRelease(this, (long) VALUE.get(this) + n);
    }

    /** Sets the value (a reset, or a value carried over from another plane). Writer thread only. */
    public void set(long v) {
        VALUE.setRelease(this, v);
    }

    /** The latest value. Any thread. */
    public long get() {
        return (long) VALUE.getAcquire(this);
    }

    @Override
    public String toString() {
        return Long.toString(get());
    }
}
