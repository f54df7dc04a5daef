package io.stampd.dataplane.socket;

import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.codec.Timestamps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Runs the per-packet code paths (clock, codec, and the system-call downcalls on an invalid
 * descriptor, which fail at once with EBADF) until the JIT has compiled them. Without it the first
 * few hundred packets of a low-rate session run interpreted FFM stubs between reading T1/T3 and
 * the system call, and their delays read tens of microseconds high.
 */
final class HotPathWarmup {
    private static final int ROUNDS = 20_000;

    private HotPathWarmup() {
    }

    static void run(MemorySegment msghdr, MessageBatch batch) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(128, 8);
            long sink = 0;
            for (int i = 0; i < ROUNDS; i++) {
                long t = Libc.realtimeNanos();
                StampLayout.UNAUTHENTICATED.writeSender(p, i, 0, (short) 1, 1);
                StampLayout.UNAUTHENTICATED.timestamp(p, Timestamps.encode(t, TimestampFormat.NTP));
                StampLayout.UNAUTHENTICATED.reflectInPlace(p, i, Timestamps.encode(t, TimestampFormat.PTP), (short) 1, 64);
                sink += Libc.sendmsg(-1, msghdr, Libc.MSG_DONTWAIT);
                sink += batch.flushTo(-1);
                sink += batch.receive(-1);
            }
            if (sink == 42) {
                System.out.print(""); // keeps the loop's results alive
            }
        }
    }
}
