package io.stampd.dataplane.socket;

import io.stampd.dataplane.codec.LocalAddressCheck;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The IPv6 addresses of this node's network namespace, for the Destination Node Address TLV (RFC
 * 9503 §3). Read from /proc/net/if_inet6 by a once-a-second timer on the I/O thread; the
 * per-packet lookup is a scan of a small long array, without allocation.
 */
final class LocalAddresses extends EventLoop.Timer implements LocalAddressCheck {
    private static final Path IF_INET6 = Path.of("/proc/net/if_inet6");
    private static final long REFRESH_NANOS = 1_000_000_000L;

    /** Pairs of big-endian longs: high and low 64 bits of each address. */
    private long[] addresses = new long[0];

    void refresh() {
        List<String> lines;
        try {
            lines = Files.readAllLines(IF_INET6);
        } catch (IOException e) {
            return; // keep the previous view; a node without /proc has no way to tell
        }
        long[] next = new long[lines.size() * 2];
        int n = 0;
        for (String line : lines) {
            if (line.length() < 32) {
                continue;
            }
            next[n++] = Long.parseUnsignedLong(line.substring(0, 16), 16);
            next[n++] = Long.parseUnsignedLong(line.substring(16, 32), 16);
        }
        addresses = java.util.Arrays.copyOf(next, n);
    }

    @Override
    long fire(long now) {
        refresh();
        return now + REFRESH_NANOS;
    }

    @Override
    public boolean isLocal(MemorySegment addr16) {
        long hi = addr16.get(io.stampd.dataplane.codec.StampLayout.U64, 0);
        long lo = addr16.get(io.stampd.dataplane.codec.StampLayout.U64, 8);
        long[] a = addresses;
        for (int i = 0; i + 1 < a.length; i += 2) {
            if (a[i] == hi && a[i + 1] == lo) {
                return true;
            }
        }
        return false;
    }
}
