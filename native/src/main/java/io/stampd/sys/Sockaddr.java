package io.stampd.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;

/** struct sockaddr_in6 reading and writing. */
public final class Sockaddr {
    private Sockaddr() {
    }

    public static void write(MemorySegment sa, Inet6Address address, int port) {
        sa.asSlice(0, Libc.SOCKADDR_IN6_SIZE).fill((byte) 0);
        sa.set(ValueLayout.JAVA_SHORT, Libc.SIN6_FAMILY, (short) Libc.AF_INET6);
        sa.set(Libc.NET_U16, Libc.SIN6_PORT, (short) port);
        if (address != null) {
            MemorySegment.copy(address.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, Libc.SIN6_ADDR, 16);
            sa.set(Libc.INT_U, Libc.SIN6_SCOPE_ID, address.getScopeId());
        }
    }

    /** As {@link #write(MemorySegment, Inet6Address, int)}, the address 16 octets at {@code addr16[0]}; allocation-free. */
    public static void write(MemorySegment sa, MemorySegment addr16, int port, int scopeId) {
        sa.set(ValueLayout.JAVA_SHORT, Libc.SIN6_FAMILY, (short) Libc.AF_INET6);
        sa.set(Libc.INT_U, Libc.SIN6_FLOWINFO, 0);
        sa.set(Libc.NET_U16, Libc.SIN6_PORT, (short) port);
        MemorySegment.copy(addr16, 0, sa, Libc.SIN6_ADDR, 16);
        sa.set(Libc.INT_U, Libc.SIN6_SCOPE_ID, scopeId);
    }

    public static int port(MemorySegment sa) {
        return Short.toUnsignedInt(sa.get(Libc.NET_U16, Libc.SIN6_PORT));
    }

    /** Compares 16 octets of an address held in a segment with a Java address. */
    public static boolean sameAddress(MemorySegment addr16, long offset, byte[] address) {
        return addr16.get(ValueLayout.JAVA_LONG_UNALIGNED, offset) == Bytes.longAt(address, 0)
                && addr16.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8) == Bytes.longAt(address, 8);
    }
}
