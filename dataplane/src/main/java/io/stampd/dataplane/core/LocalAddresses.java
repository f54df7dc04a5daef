package io.stampd.dataplane.core;

import io.stampd.dataplane.codec.LocalAddressCheck;
import io.stampd.dataplane.codec.StampLayout;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The IPv6 addresses of this node's network namespace, for the Destination Node Address TLV (RFC
 * 9503 §3). Re-read once a second from /proc/thread-self/net/if_inet6 (the I/O thread's
 * namespace: /proc/net would show the main thread's, and a data plane started in a namespace
 * from a thread that joined it has its I/O thread there, not the whole process) by a timer on the I/O thread, through
 * one open channel and one buffer, so that the I/O thread allocates nothing in steady state; the
 * per-packet lookup scans a small long array.
 */
public final class LocalAddresses extends EventLoop.Timer implements LocalAddressCheck {
    private static final Path IF_INET6 = Path.of("/proc/thread-self/net/if_inet6");
    private static final long REFRESH_NANOS = 1_000_000_000L;
    /** A line of /proc/net/if_inet6: 32 hex digits, then index, prefix, scope, flags and name. */
    private static final int MIN_LINE = 32;

    private FileChannel channel;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(16 * 1024);
    /** Pairs of longs: high and low 64 bits of each address; {@link #count} pairs are valid. */
    private long[] addresses = new long[64];
    /** Per address: its interface index, and its scope (0 = global) in bits 32..39. */
    private long[] interfaces = new long[32];
    private volatile int count;

    public void refresh() {
        try {
            if (channel == null) {
                channel = FileChannel.open(IF_INET6, StandardOpenOption.READ);
            }
            buffer.clear();
            long position = 0;
            int r;
            while ((r = channel.read(buffer, position)) > 0) {
                position += r;
                if (!buffer.hasRemaining()) {
                    ByteBuffer bigger = ByteBuffer.allocateDirect(buffer.capacity() * 2);
                    buffer.flip();
                    bigger.put(buffer);
                    buffer = bigger;
                }
            }
        } catch (IOException e) {
            return; // keep the previous view; a node without /proc has no way to tell
        }
        parse(buffer.flip());
    }

    void parse(ByteBuffer b) {
        int n = 0;
        int lineStart = 0;
        for (int i = 0; i < b.limit(); i++) {
            if (b.get(i) != '\n') {
                continue;
            }
            if (i - lineStart >= MIN_LINE) {
                if (2 * n + 2 > addresses.length) {
                    addresses = java.util.Arrays.copyOf(addresses, addresses.length * 2);
                    interfaces = java.util.Arrays.copyOf(interfaces, interfaces.length * 2);
                }
                addresses[2 * n] = hex(b, lineStart, 16);
                addresses[2 * n + 1] = hex(b, lineStart + 16, 16);
                interfaces[n] = interfaceAndScope(b, lineStart + 32, i);
                n++;
            }
            lineStart = i + 1;
        }
        count = n;
    }

    private static long hex(ByteBuffer b, int at, int digits) {
        long v = 0;
        for (int i = 0; i < digits; i++) {
            int c = b.get(at + i);
            v = (v << 4) | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }
        return v;
    }

    /**
     * The index (field 2) and scope (field 4) of a line's address, from {@code at} (after the
     * address) to {@code end}: hex fields separated by spaces. -1 if the line is cut short.
     */
    private static long interfaceAndScope(ByteBuffer b, int at, int end) {
        long index = -1;
        long scope = -1;
        int field = 0;
        int i = at;
        while (i < end && field < 4) {
            while (i < end && b.get(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < end && b.get(i) != ' ') {
                i++;
            }
            if (i == start) {
                break;
            }
            field++;
            if (field == 1) {
                index = hex(b, start, i - start);
            } else if (field == 3) {
                scope = hex(b, start, i - start);
            }
        }
        return index < 0 || scope < 0 ? -1 : index | scope << 32;
    }

    @Override
    protected long fire(long now) {
        refresh();
        return now + REFRESH_NANOS;
    }

    @Override
    public boolean isLocal(MemorySegment addr16) {
        long hi = addr16.get(StampLayout.U64, 0);
        long lo = addr16.get(StampLayout.U64, 8);
        long[] a = addresses;
        int n = Math.min(count, a.length / 2);
        for (int i = 0; i < n; i++) {
            if (a[2 * i] == hi && a[2 * i + 1] == lo) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if {@code addr16} is the one global-scope address of interface {@code ifindex}: a
     * reply sent through that interface with its source left to the kernel then gets this source
     * (RFC 6724 rule 2 rules out the link-local ones, and there is no other to choose).
     */
    public boolean isSoleGlobalAddressOf(MemorySegment addr16, int ifindex) {
        long hi = addr16.get(StampLayout.U64, 0);
        long lo = addr16.get(StampLayout.U64, 8);
        long[] a = addresses;
        long[] f = interfaces;
        int n = Math.min(count, Math.min(a.length / 2, f.length));
        boolean found = false;
        for (int i = 0; i < n; i++) {
            if (f[i] != ifindex) { // global scope (0) on that interface, or not interesting
                continue;
            }
            if (a[2 * i] != hi || a[2 * i + 1] != lo) {
                return false;
            }
            found = true;
        }
        return found;
    }

    /** The addresses as 16-octet arrays (control path: allocates), for planes that mirror them. */
    public java.util.List<byte[]> snapshot() {
        long[] a = addresses;
        int n = Math.min(count, a.length / 2);
        java.util.List<byte[]> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[16];
            java.nio.ByteBuffer.wrap(b).putLong(a[2 * i]).putLong(a[2 * i + 1]);
            out.add(b);
        }
        return out;
    }

    public void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing to release beyond the descriptor
        }
    }
}
