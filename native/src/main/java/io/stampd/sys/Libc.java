package io.stampd.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls of the socket data plane, through the FFM API. Package-private: the rest of the
 * project sees {@link UdpSocket}, {@link MessageBatch} and {@link EventLoop}. Constants and struct
 * offsets are those of Linux x86-64/aarch64 glibc (checked with offsetof on the build machine).
 * Every call that can fail captures errno; wrappers return -errno instead of throwing so the hot
 * path allocates nothing.
 */
public final class Libc {
    public static final int AF_INET6 = 10;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 2048;
    public static final int SOCK_CLOEXEC = 524288;
    public static final int SOL_SOCKET = 1;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPPROTO_UDP = 17;

    public static final int SO_REUSEADDR = 2;
    public static final int SO_RCVBUF = 8;
    public static final int SO_TIMESTAMPNS = 35;
    public static final int SCM_TIMESTAMPNS = 35;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_TIMESTAMPING = 37;
    public static final int SCM_TIMESTAMPING = 37;
    /** Linux 6.13+: a cmsg that sets the SOF_TIMESTAMPING_OPT_ID key of one sendmsg. */
    public static final int SCM_TS_OPT_ID = 81;
    public static final int SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1;
    public static final int SOF_TIMESTAMPING_SOFTWARE = 1 << 4;
    public static final int SOF_TIMESTAMPING_OPT_ID = 1 << 7;
    public static final int SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11;
    public static final int SCM_TSTAMP_SND = 0;
    public static final int SO_EE_ORIGIN_TIMESTAMPING = 4;
    public static final int IPV6_RECVERR = 25;

    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_RECVPKTINFO = 49;
    public static final int IPV6_PKTINFO = 50;
    public static final int IPV6_RECVHOPLIMIT = 51;
    public static final int IPV6_HOPLIMIT = 52;
    public static final int IPV6_RTHDR = 57;
    public static final int IPV6_RECVTCLASS = 66;
    public static final int IPV6_TCLASS = 67;

    public static final int MSG_DONTWAIT = 64;
    public static final int MSG_TRUNC = 32;
    public static final int MSG_CTRUNC = 8;
    public static final int MSG_ERRQUEUE = 0x2000;
    public static final int MSG_PROBE = 0x10;

    public static final int EPOLLIN = 1;
    public static final int EPOLLERR = 8;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CLOEXEC = 524288;
    public static final int EFD_NONBLOCK = 2048;
    public static final int EFD_CLOEXEC = 524288;

    public static final int EAGAIN = 11;
    public static final int EINTR = 4;
    public static final int EINVAL = 22;
    public static final int ENOMSG = 42;
    public static final int EADDRINUSE = 98;

    public static final int CLOCK_REALTIME = 0;
    public static final int PR_SET_TIMERSLACK = 29;

    // struct sockaddr_in6 (28 octets)
    public static final int SOCKADDR_IN6_SIZE = 28;
    public static final int SIN6_PORT = 2;
    public static final int SIN6_ADDR = 8;
    public static final int SIN6_SCOPE_ID = 24;
    // struct iovec
    public static final int IOVEC_SIZE = 16;
    // struct msghdr / mmsghdr
    public static final int MSG_NAME = 0;
    public static final int MSG_NAMELEN = 8;
    public static final int MSG_IOV = 16;
    public static final int MSG_IOVLEN = 24;
    public static final int MSG_CONTROL = 32;
    public static final int MSG_CONTROLLEN = 40;
    public static final int MSG_FLAGS = 48;
    public static final int MMSGHDR_SIZE = 64;
    public static final int MMSG_LEN = 56;
    // struct cmsghdr: size_t len; int level; int type; data at 16, 8-octet alignment
    public static final int CMSG_HDR = 16;
    // struct epoll_event is packed on x86-64: u32 events; u64 data at offset 4
    public static final int EPOLL_EVENT_SIZE = 12;
    public static final int IN6_PKTINFO_SIZE = 20;
    // struct timex (glibc x86-64, offsetof checked): 208 octets, int tai at 160; modes 0 only reads
    private static final int TIMEX_SIZE = 208;
    private static final int TIMEX_TAI = 160;

    public static final ValueLayout.OfShort NET_U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;
    public static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = errnoCall("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = errnoCall("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SETSOCKOPT =
            errnoCall("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKNAME =
            errnoCall("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle CLOSE = errnoCall("close", JAVA_INT, JAVA_INT);
    // The per-packet calls do without captureCallState: in JDK 25 every captured call slices the
    // capture segment, an allocation that escape analysis does not remove here. They read errno
    // through the thread's errno address instead, right after a failed call. The JVM could in
    // principle overwrite errno in between (a safepoint); the packet path only uses it to tell
    // EAGAIN/EINTR from errors and to count errors, where a wrong reading costs a counter.
    private static final MethodHandle SENDMSG = plainCall("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SENDMMSG =
            plainCall("sendmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle RECVMMSG =
            plainCall("recvmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle ERRNO_LOCATION =
            LINKER.downcallHandle(find("__errno_location"), FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle EPOLL_CREATE1 = errnoCall("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CTL =
            errnoCall("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_PWAIT2 =
            plainCall("epoll_pwait2", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle EVENTFD = errnoCall("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle READ = errnoCall("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = errnoCall("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle ADJTIMEX = errnoCall("adjtimex", JAVA_INT, ADDRESS);
    private static final MethodHandle PRCTL =
            errnoCall("prctl", JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle STRERROR =
            LINKER.downcallHandle(find("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    /** clock_gettime never blocks: a critical call avoids the thread-state transition (~10 ns). */
    private static final MethodHandle CLOCK_GETTIME = LINKER.downcallHandle(find("clock_gettime"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.critical(false));

    private Libc() {
    }

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle plainCall(String name, ValueLayout ret, ValueLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(ret, args));
    }

    private static MethodHandle errnoCall(String name, ValueLayout ret, ValueLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(ret, args), CAPTURE_ERRNO);
    }

    /** A per-thread scratch area: errno capture and small arguments, so calls allocate nothing. */
    public static final class Scratch {
        final MemorySegment errno;
        final MemorySegment intArg;
        final MemorySegment timespec;
        /** This thread's errno variable (its address never changes for the thread's lifetime). */
        final MemorySegment threadErrno;

        Scratch(Arena arena) {
            errno = arena.allocate(CAPTURE);
            intArg = arena.allocate(16, 8);
            timespec = arena.allocate(16, 8);
            try {
                threadErrno = ((MemorySegment) ERRNO_LOCATION.invokeExact()).reinterpret(4);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }

        public int errno() {
            return (int) ERRNO.get(errno, 0L);
        }

        public int threadErrno() {
            return threadErrno.get(JAVA_INT, 0);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH =
            ThreadLocal.withInitial(() -> new Scratch(Arena.ofAuto()));

    public static Scratch scratch() {
        return SCRATCH.get();
    }

    public static int socket(int domain, int type, int protocol) {
        Scratch s = scratch();
        try {
            int r = (int) SOCKET.invokeExact(s.errno, domain, type, protocol);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        Scratch s = scratch();
        try {
            int r = (int) BIND.invokeExact(s.errno, fd, addr, len);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        Scratch s = scratch();
        try {
            int r = (int) SETSOCKOPT.invokeExact(s.errno, fd, level, name, value, len);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int setsockoptInt(int fd, int level, int name, int value) {
        Scratch s = scratch();
        s.intArg.set(JAVA_INT, 0, value);
        return setsockopt(fd, level, name, s.intArg, 4);
    }

    public static int getsockname(int fd, MemorySegment addr, MemorySegment lenInOut) {
        Scratch s = scratch();
        try {
            int r = (int) GETSOCKNAME.invokeExact(s.errno, fd, addr, lenInOut);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int close(int fd) {
        Scratch s = scratch();
        try {
            int r = (int) CLOSE.invokeExact(s.errno, fd);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        Scratch s = scratch();
        try {
            long r = (long) SENDMSG.invokeExact(fd, msghdr, flags);
            return r < 0 ? -s.threadErrno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int sendmmsg(int fd, MemorySegment msgvec, int vlen, int flags) {
        Scratch s = scratch();
        try {
            int r = (int) SENDMMSG.invokeExact(fd, msgvec, vlen, flags);
            return r < 0 ? -s.threadErrno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int recvmmsg(int fd, MemorySegment msgvec, int vlen, int flags) {
        Scratch s = scratch();
        try {
            int r = (int) RECVMMSG.invokeExact(fd, msgvec, vlen, flags, MemorySegment.NULL);
            return r < 0 ? -s.threadErrno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int epollCreate() {
        Scratch s = scratch();
        try {
            int r = (int) EPOLL_CREATE1.invokeExact(s.errno, EPOLL_CLOEXEC);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int epollCtl(int epfd, int op, int fd, MemorySegment event) {
        Scratch s = scratch();
        try {
            int r = (int) EPOLL_CTL.invokeExact(s.errno, epfd, op, fd, event);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** epoll_pwait2 with a nanosecond timeout (negative = infinite). */
    public static int epollWait(int epfd, MemorySegment events, int max, long timeoutNanos) {
        Scratch s = scratch();
        MemorySegment ts = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            ts = s.timespec;
            ts.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            ts.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
        }
        try {
            int r = (int) EPOLL_PWAIT2.invokeExact(epfd, events, max, ts, MemorySegment.NULL);
            return r < 0 ? -s.threadErrno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int eventfd() {
        Scratch s = scratch();
        try {
            int r = (int) EVENTFD.invokeExact(s.errno, 0, EFD_NONBLOCK | EFD_CLOEXEC);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long len) {
        Scratch s = scratch();
        try {
            long r = (long) READ.invokeExact(s.errno, fd, buf, len);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long len) {
        Scratch s = scratch();
        try {
            long r = (long) WRITE.invokeExact(s.errno, fd, buf, len);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Sets the calling thread's timer slack (default 50 µs) so timed waits wake on time. */
    public static int setTimerSlack(long nanos) {
        Scratch s = scratch();
        try {
            int r = (int) PRCTL.invokeExact(s.errno, PR_SET_TIMERSLACK, nanos, 0L, 0L, 0L);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * The kernel's TAI - UTC offset in seconds (adjtimex(2) with modes 0, field tai): what
     * CLOCK_TAI runs ahead of CLOCK_REALTIME. 0 until something (ntpd, chrony, ptp4l, phc2sys)
     * sets it, so the two clocks are then equal.
     *
     * @throws IllegalStateException if adjtimex fails
     */
    public static int taiOffsetSeconds() {
        Scratch s = scratch();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timex = arena.allocate(TIMEX_SIZE, 8); // zeroed: modes 0 reads
            int r = (int) ADJTIMEX.invokeExact(s.errno, timex);
            if (r < 0) {
                throw new IllegalStateException("adjtimex failed: " + strerror(s.errno()));
            }
            return timex.get(JAVA_INT, TIMEX_TAI);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Writes a control message carrying one int at {@code at} of {@code area} (which must leave
     * CMSG_SPACE(4) = 24 octets there); returns the offset after it.
     */
    public static long putCmsgInt(MemorySegment area, long at, int level, int type, int value) {
        area.set(JAVA_LONG, at, CMSG_HDR + 4);
        area.set(JAVA_INT, at + 8, level);
        area.set(JAVA_INT, at + 12, type);
        area.set(JAVA_INT, at + CMSG_HDR, value);
        return at + CMSG_HDR + 8;
    }

    /**
     * Points the msghdr at {@code at} of {@code hdrs} at one IPv6 socket address ({@code name}, or
     * null when it is set per send) and one iovec; the control fields are the caller's.
     */
    public static void putMsgHeader(MemorySegment hdrs, long at, MemorySegment name, MemorySegment iov) {
        if (name != null) {
            hdrs.set(ADDRESS, at + MSG_NAME, name);
        }
        hdrs.set(JAVA_INT, at + MSG_NAMELEN, SOCKADDR_IN6_SIZE);
        hdrs.set(ADDRESS, at + MSG_IOV, iov);
        hdrs.set(JAVA_LONG, at + MSG_IOVLEN, 1);
    }

    /** CLOCK_REALTIME in nanoseconds since the Unix epoch. */
    public static long realtimeNanos() {
        MemorySegment ts = scratch().timespec;
        int r;
        try {
            r = (int) CLOCK_GETTIME.invokeExact(CLOCK_REALTIME, ts);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) {
            throw new IllegalStateException("clock_gettime(CLOCK_REALTIME) failed");
        }
        return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
    }

    public static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(errno);
            return p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
