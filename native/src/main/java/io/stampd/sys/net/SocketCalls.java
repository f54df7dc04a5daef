package io.stampd.sys.net;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * send(2) and recvfrom(2), which {@code Libc} does not have, through their own downcalls (kept out
 * of Libc so this package does not touch it). errno is captured into a segment of
 * {@link #CAPTURE} layout that the caller owns, so calls allocate nothing but the capture slice.
 */
@SuppressWarnings("restricted") // downcalls are what this class is for
final class SocketCalls {
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SEND = call("send", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle RECVFROM =
            call("recvfrom", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);

    private SocketCalls() {
    }

    private static MethodHandle call(String name, ValueLayout ret, ValueLayout... args) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, FunctionDescriptor.of(ret, args), Linker.Option.captureCallState("errno"));
    }

    /** send(fd, buf, len, flags): the octets sent, or -errno. */
    static long send(MemorySegment errno, int fd, MemorySegment buf, long len, int flags) {
        try {
            long r = (long) SEND.invokeExact(errno, fd, buf, len, flags);
            return r < 0 ? -(int) ERRNO.get(errno, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * recvfrom(fd, buf, len, flags, from, fromLen): the octets received (with MSG_TRUNC, the
     * datagram's real length, which may exceed len), or -errno.
     */
    static long recvfrom(MemorySegment errno, int fd, MemorySegment buf, long len, int flags,
                         MemorySegment from, MemorySegment fromLen) {
        try {
            long r = (long) RECVFROM.invokeExact(errno, fd, buf, len, flags, from, fromLen);
            return r < 0 ? -(int) ERRNO.get(errno, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
