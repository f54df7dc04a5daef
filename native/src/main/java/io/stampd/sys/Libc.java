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
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static io.stampd.sys.KernelStructs.offsetOf;
import static io.stampd.sys.KernelStructs.sizeOf;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls of every data plane (and of io.stampd.sys.bpf, which adds libbpf), through the
 * FFM API. Constants are those of Linux glibc; struct offsets and sizes are derived from the
 * layouts of {@link KernelStructs} (x86-64 and aarch64). KernelStructLayoutTest checks both against
 * the C headers. Every call that can fail reports errno; wrappers return -errno instead of throwing
 * so the hot path allocates nothing.
 */
@SuppressWarnings("restricted") // downcalls are what this class is for
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
    /**
     * Linux 6.13+: a cmsg that sets the SOF_TIMESTAMPING_OPT_ID key of one sendmsg. Newer than the
     * Debian 12 (Linux 6.1) headers, so KernelStructLayoutTest checks it only where they define it.
     */
    public static final int SCM_TS_OPT_ID = 81;
    public static final int SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1;
    public static final int SOF_TIMESTAMPING_SOFTWARE = 1 << 4;
    public static final int SOF_TIMESTAMPING_OPT_ID = 1 << 7;
    public static final int SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11;
    public static final int SCM_TSTAMP_SND = 0;
    public static final int SO_EE_ORIGIN_TIMESTAMPING = 4;
    public static final int IPV6_RECVERR = 25;

    public static final int IPV6_V6ONLY = 26;
    /* <netinet/in.h>: IPv4 options, which a dual-stack IPv6 socket honours for its IPv4 traffic */
    public static final int IPPROTO_IP = 0;
    public static final int IP_TOS = 1;
    public static final int IP_TTL = 2;
    public static final int IP_RECVERR = 11;
    public static final int IP_RECVTTL = 12;
    public static final int IP_RECVTOS = 13;
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
    /** The kernel's name (include/linux/socket.h, not exported); glibc calls this bit MSG_PROXY. */
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

    public static final int ENOENT = 2;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EOPNOTSUPP = 95;

    public static final int CLOCK_REALTIME = 0;
    public static final int PR_SET_TIMERSLACK = 29;

    /* <fcntl.h>, <sched.h>, <sys/ioctl.h> */
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final long SIOCGIFHWADDR = 0x8927;

    /* <sys/timex.h>: adjtimex(2) results and status bits */
    public static final int TIME_OK = 0;
    public static final int TIME_ERROR = 5;
    public static final int STA_UNSYNC = 0x0040;

    /*
     * Struct offsets and sizes, derived from the layouts of KernelStructs (which
     * KernelStructLayoutTest checks against offsetof/sizeof of the C headers). They are static
     * final, so the JIT folds them like literals.
     */
    // struct sockaddr_in6 (28 octets)
    public static final int SOCKADDR_IN6_SIZE = sizeOf(KernelStructs.SOCKADDR_IN6);
    public static final int SIN6_FAMILY = offsetOf(KernelStructs.SOCKADDR_IN6, "sin6_family");
    public static final int SIN6_PORT = offsetOf(KernelStructs.SOCKADDR_IN6, "sin6_port");
    public static final int SIN6_FLOWINFO = offsetOf(KernelStructs.SOCKADDR_IN6, "sin6_flowinfo");
    public static final int SIN6_ADDR = offsetOf(KernelStructs.SOCKADDR_IN6, "sin6_addr");
    public static final int SIN6_SCOPE_ID = offsetOf(KernelStructs.SOCKADDR_IN6, "sin6_scope_id");
    // struct iovec
    public static final int IOVEC_SIZE = sizeOf(KernelStructs.IOVEC);
    public static final int IOV_BASE = offsetOf(KernelStructs.IOVEC, "iov_base");
    public static final int IOV_LEN = offsetOf(KernelStructs.IOVEC, "iov_len");
    // struct msghdr / mmsghdr (an mmsghdr starts with its msghdr, so the MSG_* offsets serve both)
    public static final int MSG_NAME = offsetOf(KernelStructs.MSGHDR, "msg_name");
    public static final int MSG_NAMELEN = offsetOf(KernelStructs.MSGHDR, "msg_namelen");
    public static final int MSG_IOV = offsetOf(KernelStructs.MSGHDR, "msg_iov");
    public static final int MSG_IOVLEN = offsetOf(KernelStructs.MSGHDR, "msg_iovlen");
    public static final int MSG_CONTROL = offsetOf(KernelStructs.MSGHDR, "msg_control");
    public static final int MSG_CONTROLLEN = offsetOf(KernelStructs.MSGHDR, "msg_controllen");
    public static final int MSG_FLAGS = offsetOf(KernelStructs.MSGHDR, "msg_flags");
    public static final int MSGHDR_SIZE = sizeOf(KernelStructs.MSGHDR);
    public static final int MMSGHDR_SIZE = sizeOf(KernelStructs.MMSGHDR);
    public static final int MMSG_HDR = offsetOf(KernelStructs.MMSGHDR, "msg_hdr");
    public static final int MMSG_LEN = offsetOf(KernelStructs.MMSGHDR, "msg_len");
    // struct cmsghdr: size_t len; int level; int type; data at CMSG_HDR, size_t alignment
    public static final int CMSG_HDR = sizeOf(KernelStructs.CMSGHDR);
    public static final int CMSG_LEN_FIELD = offsetOf(KernelStructs.CMSGHDR, "cmsg_len");
    public static final int CMSG_LEVEL = offsetOf(KernelStructs.CMSGHDR, "cmsg_level");
    public static final int CMSG_TYPE = offsetOf(KernelStructs.CMSGHDR, "cmsg_type");
    /** CMSG_ALIGN's unit: sizeof(size_t). */
    public static final int CMSG_ALIGNMENT = (int) KernelStructs.CMSGHDR.byteAlignment();
    /** CMSG_SPACE(sizeof(int)): what a control message carrying one int takes. */
    public static final int CMSG_SPACE_INT = CMSG_HDR + (int) cmsgAlign(Integer.BYTES);
    // struct epoll_event: packed on x86-64 (u32 events; u64 data at offset 4, 12 octets), 16 octets on aarch64
    public static final int EPOLL_EVENT_SIZE = sizeOf(KernelStructs.EPOLL_EVENT);
    public static final int EPOLL_EVENT_EVENTS = offsetOf(KernelStructs.EPOLL_EVENT, "events");
    public static final int EPOLL_EVENT_DATA = offsetOf(KernelStructs.EPOLL_EVENT, "data");
    // struct in6_pktinfo (IPV6_PKTINFO)
    public static final int IN6_PKTINFO_SIZE = sizeOf(KernelStructs.IN6_PKTINFO);
    public static final int IPI6_ADDR = offsetOf(KernelStructs.IN6_PKTINFO, "ipi6_addr");
    public static final int IPI6_IFINDEX = offsetOf(KernelStructs.IN6_PKTINFO, "ipi6_ifindex");
    // struct timespec (SO_TIMESTAMPNS, epoll_pwait2, clock_gettime)
    public static final int TIMESPEC_SIZE = sizeOf(KernelStructs.TIMESPEC);
    public static final int TV_SEC = offsetOf(KernelStructs.TIMESPEC, "tv_sec");
    public static final int TV_NSEC = offsetOf(KernelStructs.TIMESPEC, "tv_nsec");
    // struct scm_timestamping (SCM_TIMESTAMPING): ts[0] software, ts[2] hardware
    public static final int SCM_TIMESTAMPING_SIZE = sizeOf(KernelStructs.SCM_TIMESTAMPING);
    // struct sock_extended_err (IPV6_RECVERR on the error queue)
    public static final int SOCK_EXTENDED_ERR_SIZE = sizeOf(KernelStructs.SOCK_EXTENDED_ERR);
    public static final int EE_ERRNO = offsetOf(KernelStructs.SOCK_EXTENDED_ERR, "ee_errno");
    public static final int EE_ORIGIN = offsetOf(KernelStructs.SOCK_EXTENDED_ERR, "ee_origin");
    public static final int EE_TYPE = offsetOf(KernelStructs.SOCK_EXTENDED_ERR, "ee_type");
    public static final int EE_CODE = offsetOf(KernelStructs.SOCK_EXTENDED_ERR, "ee_code");
    public static final int EE_INFO = offsetOf(KernelStructs.SOCK_EXTENDED_ERR, "ee_info");
    /** ee_data, a member of an anonymous union in C (the OPT_ID key of a transmit timestamp). */
    public static final int EE_DATA = offsetOf(KernelStructs.SOCK_EXTENDED_ERR, "ee_data");
    // struct ifreq (SIOCGIFHWADDR)
    public static final int IFNAMSIZ = KernelStructs.IFNAMSIZ;
    public static final int IFREQ_SIZE = sizeOf(KernelStructs.IFREQ);
    public static final int IFREQ_NAME = offsetOf(KernelStructs.IFREQ, "ifr_ifrn", "ifrn_name");
    /** ifr_hwaddr.sa_data: the MAC's first octet. */
    public static final int IFREQ_HWADDR_DATA = offsetOf(KernelStructs.IFREQ, "ifr_ifru", "ifru_hwaddr", "sa_data");
    // struct timex (adjtimex)
    public static final int TIMEX_SIZE = sizeOf(KernelStructs.TIMEX);
    public static final int TIMEX_MODES = offsetOf(KernelStructs.TIMEX, "modes");
    public static final int TIMEX_STATUS = offsetOf(KernelStructs.TIMEX, "status");
    public static final int TIMEX_TAI = offsetOf(KernelStructs.TIMEX, "tai");

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
    /** open(2) is variadic (int open(const char *, int, ...)): the mode is passed as such. */
    private static final MethodHandle OPEN = variadicErrnoCall("open", 2, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    /** ioctl(2) is variadic (int ioctl(int, unsigned long, ...)): the argument pointer is passed as such. */
    private static final MethodHandle IOCTL = variadicErrnoCall("ioctl", 2, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
    private static final MethodHandle SETNS = errnoCall("setns", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle IF_NAMETOINDEX = errnoCall("if_nametoindex", JAVA_INT, ADDRESS);
    private static final MethodHandle IF_INDEXTONAME = plainCall("if_indextoname", ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle ADJTIMEX = errnoCall("adjtimex", JAVA_INT, ADDRESS);
    private static final MethodHandle MMAP =
            errnoCall("mmap", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);
    private static final MethodHandle MUNMAP = errnoCall("munmap", JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle SYSCONF = plainCall("sysconf", JAVA_LONG, JAVA_INT);
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

    private static MethodHandle variadicErrnoCall(String name, int firstVariadic, ValueLayout ret,
                                                  ValueLayout... args) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(ret, args),
                Linker.Option.firstVariadicArg(firstVariadic), CAPTURE_ERRNO);
    }

    /** A per-thread scratch area: errno capture and small arguments, so calls allocate nothing. */
    public static final class Scratch {
        final MemorySegment errno;
        final MemorySegment intArg;
        final MemorySegment timespec;
        final MemorySegment timex;
        /** This thread's errno variable (its address never changes for the thread's lifetime). */
        final MemorySegment threadErrno;

        Scratch(Arena arena) {
            errno = arena.allocate(CAPTURE);
            intArg = arena.allocate(16, 8);
            timespec = arena.allocate(KernelStructs.TIMESPEC);
            timex = arena.allocate(KernelStructs.TIMEX);
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
            ts.set(JAVA_LONG, TV_SEC, timeoutNanos / 1_000_000_000L);
            ts.set(JAVA_LONG, TV_NSEC, timeoutNanos % 1_000_000_000L);
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
     * The kernel's TAI - UTC offset in seconds, as {@link #taiOffset()}, for callers that cannot go
     * on without it.
     *
     * @throws IllegalStateException if adjtimex fails
     */
    public static int taiOffsetSeconds() {
        int r = taiOffset();
        if (r < 0) {
            throw new IllegalStateException("adjtimex failed: " + strerror(-r));
        }
        return r;
    }

    /** CMSG_ALIGN: {@code length} rounded up to a multiple of sizeof(size_t). */
    public static long cmsgAlign(long length) {
        return (length + CMSG_ALIGNMENT - 1) & -CMSG_ALIGNMENT;
    }

    /**
     * Writes a control message carrying one int at {@code at} of {@code area} (which must leave
     * {@link #CMSG_SPACE_INT} octets there); returns the offset after it.
     */
    public static long putCmsgInt(MemorySegment area, long at, int level, int type, int value) {
        area.set(JAVA_LONG, at + CMSG_LEN_FIELD, CMSG_HDR + Integer.BYTES);
        area.set(JAVA_INT, at + CMSG_LEVEL, level);
        area.set(JAVA_INT, at + CMSG_TYPE, type);
        area.set(JAVA_INT, at + CMSG_HDR, value);
        return at + CMSG_SPACE_INT;
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
        return ts.get(JAVA_LONG, TV_SEC) * 1_000_000_000L + ts.get(JAVA_LONG, TV_NSEC);
    }

    /** open(path, flags), for setup paths (the path is copied to native memory): the descriptor, or -errno. */
    public static int open(String path, int flags) {
        Scratch s = scratch();
        try (Arena call = Arena.ofConfined()) {
            int r = (int) OPEN.invokeExact(s.errno, call.allocateFrom(path), flags, 0);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** open(path, flags) with the path already a NUL-terminated string in native memory: allocation-free. */
    public static int open(MemorySegment path, int flags) {
        Scratch s = scratch();
        try {
            int r = (int) OPEN.invokeExact(s.errno, path, flags, 0);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** setns(fd, nstype) for the calling thread: 0, or -errno. */
    public static int setns(int fd, int nstype) {
        Scratch s = scratch();
        try {
            int r = (int) SETNS.invokeExact(s.errno, fd, nstype);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** ioctl(fd, request, arg) with a pointer argument: the (non-negative) result, or -errno. */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        Scratch s = scratch();
        try {
            int r = (int) IOCTL.invokeExact(s.errno, fd, request, arg);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** if_nametoindex: the interface's index, or -errno (ENODEV: no such interface here). */
    public static int ifNameToIndex(String name) {
        Scratch s = scratch();
        try (Arena call = Arena.ofConfined()) {
            int r = (int) IF_NAMETOINDEX.invokeExact(s.errno, call.allocateFrom(name));
            return r != 0 ? r : -s.errno();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** if_indextoname: the interface's name, empty when there is no such interface here. */
    public static Optional<String> ifIndexToName(int index) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buf = call.allocate(IFNAMSIZ);
            MemorySegment r = (MemorySegment) IF_INDEXTONAME.invokeExact(index, buf);
            return r.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(buf.getString(0));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * The hardware address of interface {@code name} in the calling thread's network namespace
     * (SIOCGIFHWADDR on a throw-away socket), written to the first 6 octets of {@code macOut}.
     * Returns 0, or -errno.
     */
    public static int ifHardwareAddress(String name, byte[] macOut) {
        int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return fd;
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment ifreq = call.allocate(KernelStructs.IFREQ);
            byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(nameBytes, 0, ifreq, JAVA_BYTE, IFREQ_NAME, Math.min(nameBytes.length, IFNAMSIZ - 1));
            int r = ioctl(fd, SIOCGIFHWADDR, ifreq);
            if (r < 0) {
                return r;
            }
            MemorySegment.copy(ifreq, JAVA_BYTE, IFREQ_HWADDR_DATA, macOut, 0, 6);
            return 0;
        } finally {
            close(fd);
        }
    }

    /**
     * adjtimex(2) with modes 0, which only reads: fills {@code timex} ({@link #TIMEX_SIZE} octets;
     * read it at {@link #TIMEX_STATUS}, {@link #TIMEX_TAI}, ...) and returns the clock state
     * ({@link #TIME_OK} .. {@link #TIME_ERROR}), or -errno.
     */
    public static int adjtimex(MemorySegment timex) {
        if (timex.byteSize() < TIMEX_SIZE) {
            throw new IllegalArgumentException("struct timex needs " + TIMEX_SIZE + " octets, got " + timex.byteSize());
        }
        Scratch s = scratch();
        timex.set(JAVA_INT, TIMEX_MODES, 0);
        try {
            int r = (int) ADJTIMEX.invokeExact(s.errno, timex);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * The kernel's TAI - UTC offset in seconds (struct timex tai: 0 until an NTP or PTP daemon sets
     * it, 37 since 2017), or -errno. Allocates nothing.
     */
    public static int taiOffset() {
        MemorySegment timex = scratch().timex;
        int r = adjtimex(timex);
        return r < 0 ? r : timex.get(JAVA_INT, TIMEX_TAI);
    }

    /** The kernel clock's status bits (struct timex status: STA_UNSYNC, STA_NANO, ...), or -errno. Allocates nothing. */
    public static int clockStatus() {
        MemorySegment timex = scratch().timex;
        int r = adjtimex(timex);
        return r < 0 ? r : timex.get(JAVA_INT, TIMEX_STATUS);
    }

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    private static final int SC_PAGESIZE = 30;

    /** sysconf(_SC_PAGESIZE). */
    public static long pageSize() {
        try {
            return (long) SYSCONF.invokeExact(SC_PAGESIZE);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * mmap(NULL, length, prot, MAP_SHARED, fd, offset): the mapping (of size 0: reinterpret it), or
     * a NULL segment with the errno in {@code errnoOut[0]}.
     */
    public static MemorySegment mmapShared(int fd, long offset, long length, int prot, int[] errnoOut) {
        Scratch s = scratch();
        try {
            MemorySegment address = (MemorySegment) MMAP.invokeExact(s.errno, MemorySegment.NULL, length, prot,
                    MAP_SHARED, fd, offset);
            if (address.address() == -1L) { // MAP_FAILED
                errnoOut[0] = s.errno();
                return MemorySegment.NULL;
            }
            return address;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** munmap: 0, or -errno. */
    public static int munmap(MemorySegment address, long length) {
        Scratch s = scratch();
        try {
            int r = (int) MUNMAP.invokeExact(s.errno, address, length);
            return r < 0 ? -s.errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
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
