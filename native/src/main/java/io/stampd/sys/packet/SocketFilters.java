package io.stampd.sys.packet;

import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.stampd.sys.packet.PacketStructs.*;

/**
 * Socket filters on ordinary sockets. {@link #dropAll} keeps a UDP socket bound (so the kernel
 * neither answers its port with ICMP nor lets another program take it) while it queues nothing:
 * the classic BPF program "ret #0" drops every datagram before the receive buffer.
 */
public final class SocketFilters {
    private SocketFilters() {
    }

    /** Attaches the drop-everything filter to {@code fd}: 0, or -errno. */
    public static int dropAll(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment insn = a.allocate(SOCK_FILTER);
            insn.set(ValueLayout.JAVA_SHORT, 0, (short) (BPF_RET | BPF_K));
            insn.set(ValueLayout.JAVA_INT, 4, 0); // accept 0 octets: drop
            MemorySegment prog = a.allocate(SOCK_FPROG);
            prog.set(ValueLayout.JAVA_SHORT, 0, (short) 1);
            prog.set(ValueLayout.ADDRESS, SOCK_FPROG.byteOffset(java.lang.foreign.MemoryLayout.PathElement
                    .groupElement("filter")), insn);
            return Libc.setsockopt(fd, Libc.SOL_SOCKET, SO_ATTACH_FILTER, prog, (int) SOCK_FPROG.byteSize());
        }
    }

    /** Removes the filter of {@code fd}: 0, or -errno (-ENOENT when there was none). */
    public static int detach(int fd) {
        return Libc.setsockoptInt(fd, Libc.SOL_SOCKET, SO_DETACH_FILTER, 0);
    }

    /** Attaches eBPF socket filter program {@code programFd} to {@code fd}: 0, or -errno. */
    public static int attachBpf(int fd, int programFd) {
        return Libc.setsockoptInt(fd, Libc.SOL_SOCKET, SO_ATTACH_BPF, programFd);
    }
}
