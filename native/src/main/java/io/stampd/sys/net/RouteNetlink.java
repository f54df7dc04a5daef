package io.stampd.sys.net;

import io.stampd.sys.KernelStructs;
import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static io.stampd.sys.net.Netlink.AF_NETLINK;
import static io.stampd.sys.net.Netlink.EACCES;
import static io.stampd.sys.net.Netlink.EHOSTUNREACH;
import static io.stampd.sys.net.Netlink.EMSGSIZE;
import static io.stampd.sys.net.Netlink.ENOBUFS;
import static io.stampd.sys.net.Netlink.ENODATA;
import static io.stampd.sys.net.Netlink.EPROTO;
import static io.stampd.sys.net.Netlink.ETIMEDOUT;
import static io.stampd.sys.net.Netlink.NDA_DST;
import static io.stampd.sys.net.Netlink.NDA_LLADDR;
import static io.stampd.sys.net.Netlink.NDMSG_SIZE;
import static io.stampd.sys.net.Netlink.NDM_FAMILY_AT;
import static io.stampd.sys.net.Netlink.NDM_FLAGS_AT;
import static io.stampd.sys.net.Netlink.NDM_IFINDEX_AT;
import static io.stampd.sys.net.Netlink.NDM_STATE_AT;
import static io.stampd.sys.net.Netlink.NETLINK_ROUTE;
import static io.stampd.sys.net.Netlink.NLA_TYPE_MASK;
import static io.stampd.sys.net.Netlink.NLMSGERR_ERROR_AT;
import static io.stampd.sys.net.Netlink.NLMSG_ERROR;
import static io.stampd.sys.net.Netlink.NLMSG_FLAGS_AT;
import static io.stampd.sys.net.Netlink.NLMSG_HDRLEN;
import static io.stampd.sys.net.Netlink.NLMSG_LEN_AT;
import static io.stampd.sys.net.Netlink.NLMSG_PID_AT;
import static io.stampd.sys.net.Netlink.NLMSG_SEQ_AT;
import static io.stampd.sys.net.Netlink.NLMSG_TYPE_AT;
import static io.stampd.sys.net.Netlink.NLM_F_ACK;
import static io.stampd.sys.net.Netlink.NLM_F_CREATE;
import static io.stampd.sys.net.Netlink.NLM_F_REQUEST;
import static io.stampd.sys.net.Netlink.NL_PID_AT;
import static io.stampd.sys.net.Netlink.NTF_USE;
import static io.stampd.sys.net.Netlink.NUD_VALID;
import static io.stampd.sys.net.Netlink.RTATTR_SIZE;
import static io.stampd.sys.net.Netlink.RTA_DST;
import static io.stampd.sys.net.Netlink.RTA_GATEWAY;
import static io.stampd.sys.net.Netlink.RTA_LEN_AT;
import static io.stampd.sys.net.Netlink.RTA_MULTIPATH;
import static io.stampd.sys.net.Netlink.RTA_OIF;
import static io.stampd.sys.net.Netlink.RTA_PREFSRC;
import static io.stampd.sys.net.Netlink.RTA_TYPE_AT;
import static io.stampd.sys.net.Netlink.RTMSG_SIZE;
import static io.stampd.sys.net.Netlink.RTM_DST_LEN_AT;
import static io.stampd.sys.net.Netlink.RTM_FAMILY_AT;
import static io.stampd.sys.net.Netlink.RTM_GETNEIGH;
import static io.stampd.sys.net.Netlink.RTM_GETROUTE;
import static io.stampd.sys.net.Netlink.RTM_NEWNEIGH;
import static io.stampd.sys.net.Netlink.RTM_NEWROUTE;
import static io.stampd.sys.net.Netlink.RTM_TYPE_AT;
import static io.stampd.sys.net.Netlink.RTNEXTHOP_SIZE;
import static io.stampd.sys.net.Netlink.RTNH_IFINDEX_AT;
import static io.stampd.sys.net.Netlink.RTNH_LEN_AT;
import static io.stampd.sys.net.Netlink.RTN_BLACKHOLE;
import static io.stampd.sys.net.Netlink.RTN_PROHIBIT;
import static io.stampd.sys.net.Netlink.RTN_THROW;
import static io.stampd.sys.net.Netlink.RTN_UNICAST;
import static io.stampd.sys.net.Netlink.RTN_UNREACHABLE;
import static io.stampd.sys.net.Netlink.SOCKADDR_NL_SIZE;
import static io.stampd.sys.net.Netlink.SOCK_RAW;
import static io.stampd.sys.net.Netlink.SO_RCVTIMEO;
import static io.stampd.sys.net.Netlink.nlmsgAlign;
import static io.stampd.sys.net.Netlink.rtaAlign;
import static io.stampd.sys.net.Netlink.rtnhAlign;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A NETLINK_ROUTE client for a data plane that builds Ethernet frames itself (AF_PACKET): which
 * interface, next hop and source address the kernel would use for an IPv6 destination
 * (RTM_GETROUTE), and the next hop's MAC from the kernel's neighbour table (RTM_GETNEIGH).
 *
 * <p>Each call sends one request and reads the kernel's reply into buffers allocated once at
 * {@link #open}, so calls allocate nothing beyond FFM's errno capture. Replies are matched by
 * sequence number: a late reply to an earlier request that timed out, or a datagram not from the
 * kernel, is skipped. The kernel answers these requests synchronously, within send(2); the
 * receive still waits at most the timeout (SO_RCVTIMEO) and reads a bounded number of datagrams,
 * so a call cannot hang. Results are 0 or a non-negative value, or -errno, never an exception.
 *
 * <p>The socket belongs to the network namespace of the thread that opened it, whichever thread
 * uses it later. Not thread-safe: one thread at a time.
 */
public final class RouteNetlink implements AutoCloseable {
    /** How long a call waits for the kernel's reply by default; it normally comes within send(2). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);

    private static final int IN6_ADDR_SIZE = 16;
    private static final int ETH_ALEN = 6;
    /** Room for the largest request made here (a route request is 56 octets). */
    private static final int REQUEST_SIZE = 256;
    /** Far more than any reply to these requests (a few hundred octets); MSG_TRUNC tells if one is not. */
    private static final int RESPONSE_SIZE = 16384;
    /** The datagrams one call reads at most (stale replies skipped) before it gives up with -ETIMEDOUT. */
    private static final int MAX_DATAGRAMS = 64;

    /** {@link #scan}: no message of the request in the datagram. */
    static final int NOT_FOUND = Integer.MIN_VALUE;
    /** {@link #scan}: an NLMSG_ERROR with error 0, an acknowledgement. */
    static final int ACK = Integer.MIN_VALUE + 1;
    /** Errors are -1 .. -MAX_ERRNO (include/linux/err.h); anything beyond is not an errno. */
    private static final int MAX_ERRNO = 4095;

    /* Netlink messages are 4-octet aligned; unaligned access also serves heap segments in tests. */
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Arena arena;
    private final int fd;
    private final long timeoutNanos;
    private final MemorySegment request;
    private final MemorySegment response;
    private final MemorySegment from;
    private final MemorySegment fromLength;
    private final MemorySegment errno;
    private int seq;
    private boolean closed;

    private RouteNetlink(Arena arena, int fd, long timeoutNanos) {
        this.arena = arena;
        this.fd = fd;
        this.timeoutNanos = timeoutNanos;
        request = arena.allocate(REQUEST_SIZE, 8);
        response = arena.allocate(RESPONSE_SIZE, 8);
        from = arena.allocate(NetlinkStructs.SOCKADDR_NL);
        fromLength = arena.allocate(Integer.BYTES, Integer.BYTES);
        errno = arena.allocate(SocketCalls.CAPTURE);
        seq = (int) System.nanoTime(); // any start; a fresh socket has no stale replies
    }

    /** A NETLINK_ROUTE socket in the calling thread's network namespace, waiting {@link #DEFAULT_TIMEOUT} for replies. */
    public static RouteNetlink open() {
        return open(DEFAULT_TIMEOUT);
    }

    /**
     * A NETLINK_ROUTE socket in the calling thread's network namespace; a call waits at most
     * {@code timeout} (1 ms to 10 s) for each datagram of the kernel's reply.
     *
     * @throws IllegalArgumentException if the timeout is out of range
     * @throws IllegalStateException    if the socket cannot be opened (errno in the message)
     */
    public static RouteNetlink open(Duration timeout) {
        long nanos = timeout.toNanos();
        if (nanos < 1_000_000L || nanos > 10_000_000_000L) {
            throw new IllegalArgumentException("netlink reply timeout must be 1 ms to 10 s, not " + timeout);
        }
        int fd = Libc.socket(AF_NETLINK, SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw new IllegalStateException("cannot open a NETLINK_ROUTE socket: " + Libc.strerror(-fd)
                    + " (errno " + -fd + ")");
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment tv = arena.allocate(KernelStructs.TIMEVAL);
            tv.set(JAVA_LONG, KernelStructs.offsetOf(KernelStructs.TIMEVAL, "tv_sec"), nanos / 1_000_000_000L);
            tv.set(JAVA_LONG, KernelStructs.offsetOf(KernelStructs.TIMEVAL, "tv_usec"), nanos % 1_000_000_000L / 1000);
            int rc = Libc.setsockopt(fd, Libc.SOL_SOCKET, SO_RCVTIMEO, tv, KernelStructs.sizeOf(KernelStructs.TIMEVAL));
            if (rc < 0) {
                throw new IllegalStateException("cannot set SO_RCVTIMEO on a NETLINK_ROUTE socket: "
                        + Libc.strerror(-rc) + " (errno " + -rc + ")");
            }
            return new RouteNetlink(arena, fd, nanos);
        } catch (RuntimeException | Error e) {
            Libc.close(fd);
            arena.close();
            throw e;
        }
    }

    /** {@link #route(MemorySegment, int, Route)} with no egress interface asked for. */
    public int route(MemorySegment dst, Route out) {
        return route(dst, 0, out);
    }

    /**
     * RTM_GETROUTE: the route the kernel would use for IPv6 destination {@code dst} (16 octets at
     * offset 0), out of interface {@code oif} if not 0 (needed for a link-local destination).
     * Fills {@code out} (cleared first): egress interface, gateway (none: on-link), preferred
     * source, route type. Returns 0, or -errno: the kernel's (-ENETUNREACH when no route matches;
     * for a reject route the error it gives a sender: unreachable -EHOSTUNREACH, prohibit -EACCES,
     * blackhole -EINVAL; a kernel that answers with the reject route instead gets the same errno
     * from its type), -ETIMEDOUT without a reply, -EPROTO for a reply that cannot be read. A local
     * destination is type {@link Netlink#RTN_LOCAL} and returns 0.
     */
    public int route(MemorySegment dst, int oif, Route out) {
        requireOctets(dst, IN6_ADDR_SIZE, "dst");
        out.clear();
        int at = header(RTM_GETROUTE, NLM_F_REQUEST);
        request.set(JAVA_BYTE, at + RTM_FAMILY_AT, (byte) Libc.AF_INET6);
        request.set(JAVA_BYTE, at + RTM_DST_LEN_AT, (byte) (IN6_ADDR_SIZE * 8));
        at += (int) nlmsgAlign(RTMSG_SIZE);
        at = putAttribute(request, at, RTA_DST, dst, IN6_ADDR_SIZE);
        if (oif != 0) {
            request.set(U16, at + RTA_LEN_AT, (short) (RTATTR_SIZE + Integer.BYTES));
            request.set(U16, at + RTA_TYPE_AT, (short) RTA_OIF);
            request.set(U32, at + RTATTR_SIZE, oif);
            at += (int) rtaAlign(RTATTR_SIZE + Integer.BYTES);
        }
        int r = exchange(at, RTM_NEWROUTE);
        if (r < 0 || r == ACK) {
            return r == ACK ? -ENODATA : r;
        }
        r = parseRoute(response, r, out);
        if (r < 0) {
            return r;
        }
        // Linux 6.x reports a reject route as NLMSG_ERROR; these are its errors (ip6_rt_type_to_error).
        return switch (out.type) {
            case RTN_UNREACHABLE -> -EHOSTUNREACH;
            case RTN_PROHIBIT -> -EACCES;
            case RTN_BLACKHOLE -> -Libc.EINVAL;
            case RTN_THROW -> -Libc.EAGAIN;
            case RTN_UNICAST -> out.oif > 0 ? 0 : -EPROTO;
            default -> 0;
        };
    }

    /**
     * RTM_GETNEIGH for one entry (not a dump): the kernel's neighbour table entry of IPv6 address
     * {@code address} (16 octets) on interface {@code ifindex}. When the state gives a usable
     * link-layer address ({@link #usable}), copies it (6 octets) to {@code mac}. Returns the NUD
     * state ({@link Netlink#NUD_REACHABLE}, {@link Netlink#NUD_STALE}, ... bits), or -errno:
     * -ENOENT when the kernel has no entry, -ENODATA when a usable entry has no 6-octet address
     * (not Ethernet), -ETIMEDOUT, -EPROTO as for {@link #route}. Needs Linux 4.20+.
     */
    public int neighbour(int ifindex, MemorySegment address, MemorySegment mac) {
        requireOctets(address, IN6_ADDR_SIZE, "address");
        requireOctets(mac, ETH_ALEN, "mac");
        int at = neighbourRequest(RTM_GETNEIGH, NLM_F_REQUEST, ifindex, 0, address);
        int r = exchange(at, RTM_NEWNEIGH);
        if (r < 0 || r == ACK) {
            return r == ACK ? -ENODATA : r;
        }
        return parseNeighbour(response, r, mac);
    }

    /**
     * Asks the kernel to resolve {@code address} on interface {@code ifindex} as if a packet were
     * waiting for it (RTM_NEWNEIGH with NTF_USE, creating the entry if need be): a neighbour
     * solicitation goes out for an unknown or failed entry, a stale one is re-confirmed. What a
     * data plane that bypasses the kernel's stack does when {@link #neighbour} finds no usable
     * entry; the answer shows in the table a moment later. Returns 0, or -errno (-EPERM without
     * CAP_NET_ADMIN or with IPv6 off on the interface, -ENODEV, ...).
     */
    public int solicit(int ifindex, MemorySegment address) {
        requireOctets(address, IN6_ADDR_SIZE, "address");
        int at = neighbourRequest(RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, ifindex, NTF_USE, address);
        int r = exchange(at, NLMSG_ERROR);
        return r == ACK ? 0 : r < 0 ? r : -EPROTO;
    }

    /**
     * Whether NUD state {@code nudState} (as {@link #neighbour} returns it) gives a usable MAC:
     * REACHABLE, STALE, DELAY, PROBE, PERMANENT or NOARP, not NONE, INCOMPLETE or FAILED.
     */
    public static boolean usable(int nudState) {
        return nudState > 0 && (nudState & NUD_VALID) != 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
            arena.close();
        }
    }

    private static void requireOctets(MemorySegment segment, int octets, String what) {
        if (segment.byteSize() < octets) {
            throw new IllegalArgumentException(what + " needs " + octets + " octets, has " + segment.byteSize());
        }
    }

    /** Clears the request, writes its header with a new sequence number; returns where the payload starts. */
    private int header(int type, int flags) {
        if (closed) {
            throw new IllegalStateException("RouteNetlink is closed");
        }
        request.fill((byte) 0);
        request.set(U16, NLMSG_TYPE_AT, (short) type);
        request.set(U16, NLMSG_FLAGS_AT, (short) flags);
        request.set(U32, NLMSG_SEQ_AT, ++seq);
        request.set(U32, NLMSG_PID_AT, 0);
        return NLMSG_HDRLEN;
    }

    /** An ndmsg request for (ifindex, address); returns its length. */
    private int neighbourRequest(int type, int flags, int ifindex, int ndmFlags, MemorySegment address) {
        int at = header(type, flags);
        request.set(JAVA_BYTE, at + NDM_FAMILY_AT, (byte) Libc.AF_INET6);
        request.set(U32, at + NDM_IFINDEX_AT, ifindex);
        request.set(JAVA_BYTE, at + NDM_FLAGS_AT, (byte) ndmFlags);
        at += (int) nlmsgAlign(NDMSG_SIZE);
        return putAttribute(request, at, NDA_DST, address, IN6_ADDR_SIZE);
    }

    private static int putAttribute(MemorySegment buf, int at, int type, MemorySegment value, int length) {
        buf.set(U16, at + RTA_LEN_AT, (short) (RTATTR_SIZE + length));
        buf.set(U16, at + RTA_TYPE_AT, (short) type);
        MemorySegment.copy(value, 0, buf, at + RTATTR_SIZE, length);
        return at + (int) rtaAlign(RTATTR_SIZE + length);
    }

    /**
     * Sends the request of {@code length} octets and reads until the kernel's message for it:
     * returns the offset in {@link #response} of the message of {@code replyType}, {@link #ACK},
     * or -errno (the kernel's NLMSG_ERROR, a socket error, -ETIMEDOUT, -EPROTO, -EMSGSIZE).
     */
    private int exchange(int length, int replyType) {
        request.set(U32, NLMSG_LEN_AT, length);
        long sent;
        int attempts = 0;
        do {
            // To the kernel (the unbound socket's default destination); never blocks.
            sent = SocketCalls.send(errno, fd, request, length, Libc.MSG_DONTWAIT);
        } while (sent == -Libc.EINTR && ++attempts < 3);
        if (sent < 0) {
            return (int) sent;
        }
        if (sent != length) {
            return -EMSGSIZE;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        for (int datagrams = 0; datagrams < MAX_DATAGRAMS; datagrams++) {
            fromLength.set(U32, 0, SOCKADDR_NL_SIZE);
            from.set(U32, NL_PID_AT, -1);
            long n = SocketCalls.recvfrom(errno, fd, response, RESPONSE_SIZE, Libc.MSG_TRUNC, from, fromLength);
            if (n < 0) {
                int e = (int) -n;
                if (e == Libc.EAGAIN) {
                    return -ETIMEDOUT; // SO_RCVTIMEO passed with nothing to read
                }
                if (e != Libc.EINTR && e != ENOBUFS) {
                    return (int) n;
                }
                // Interrupted, or the receive queue overflowed once (ENOBUFS): read on.
            } else if (from.get(U32, NL_PID_AT) == 0) { // only the kernel's datagrams
                int r = scan(response, (int) Math.min(n, RESPONSE_SIZE), seq, replyType); // this request's seq
                if (r != NOT_FOUND) {
                    return r == -EPROTO && n > RESPONSE_SIZE ? -EMSGSIZE : r;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                return -ETIMEDOUT;
            }
        }
        return -ETIMEDOUT;
    }

    /**
     * Looks through the {@code length} octets of one datagram for the message answering request
     * {@code seq}: the offset of its message of {@code replyType}; for an NLMSG_ERROR,
     * {@link #ACK} (error 0) or the -errno it carries; {@link #NOT_FOUND} when the datagram holds
     * nothing for this request (a reply to an earlier one); -EPROTO for a malformed message of it.
     */
    static int scan(MemorySegment buf, int length, int seq, int replyType) {
        int at = 0;
        while (length - at >= NLMSG_HDRLEN) {
            int messageLength = buf.get(U32, at + NLMSG_LEN_AT);
            boolean ours = buf.get(U32, at + NLMSG_SEQ_AT) == seq;
            if (messageLength < NLMSG_HDRLEN || messageLength > length - at) {
                return ours ? -EPROTO : NOT_FOUND; // the rest of the datagram cannot be walked
            }
            if (ours) {
                int type = Short.toUnsignedInt(buf.get(U16, at + NLMSG_TYPE_AT));
                if (type == NLMSG_ERROR) {
                    if (messageLength < NLMSG_HDRLEN + Integer.BYTES) {
                        return -EPROTO;
                    }
                    int error = buf.get(U32, at + NLMSG_HDRLEN + NLMSGERR_ERROR_AT);
                    return error == 0 ? ACK : error < 0 && error >= -MAX_ERRNO ? error : -EPROTO;
                }
                if (type == replyType) {
                    return at;
                }
                // Another message type for this request (NLMSG_NOOP...): look further.
            }
            at += (int) nlmsgAlign(messageLength);
        }
        return NOT_FOUND;
    }

    /**
     * Reads the RTM_NEWROUTE message at {@code at} (whose length {@link #scan} checked) into
     * {@code out}: 0, or -EPROTO.
     */
    static int parseRoute(MemorySegment buf, int at, Route out) {
        int end = at + buf.get(U32, at + NLMSG_LEN_AT);
        int body = at + NLMSG_HDRLEN;
        if (end - body < RTMSG_SIZE || buf.get(JAVA_BYTE, body + RTM_FAMILY_AT) != Libc.AF_INET6) {
            return -EPROTO;
        }
        out.type = Byte.toUnsignedInt(buf.get(JAVA_BYTE, body + RTM_TYPE_AT));
        int a = body + (int) nlmsgAlign(RTMSG_SIZE);
        while (end - a >= RTATTR_SIZE) {
            int attributeLength = Short.toUnsignedInt(buf.get(U16, a + RTA_LEN_AT));
            if (attributeLength < RTATTR_SIZE || attributeLength > end - a) {
                return -EPROTO;
            }
            int value = a + RTATTR_SIZE;
            int valueLength = attributeLength - RTATTR_SIZE;
            switch (buf.get(U16, a + RTA_TYPE_AT) & NLA_TYPE_MASK) {
                case RTA_OIF -> {
                    if (valueLength < Integer.BYTES) {
                        return -EPROTO;
                    }
                    if (!out.multipath) {
                        out.oif = buf.get(U32, value);
                    }
                }
                case RTA_GATEWAY -> {
                    if (valueLength != IN6_ADDR_SIZE) {
                        return -EPROTO;
                    }
                    if (!out.multipath) {
                        MemorySegment.copy(buf, value, out.gateway, 0, IN6_ADDR_SIZE);
                        out.hasGateway = true;
                    }
                }
                case RTA_PREFSRC -> {
                    if (valueLength != IN6_ADDR_SIZE) {
                        return -EPROTO;
                    }
                    MemorySegment.copy(buf, value, out.preferredSource, 0, IN6_ADDR_SIZE);
                    out.hasPreferredSource = true;
                }
                case RTA_MULTIPATH -> {
                    int r = firstNexthop(buf, value, valueLength, out);
                    if (r < 0) {
                        return r;
                    }
                }
                default -> {
                    // RTA_DST, RTA_TABLE, RTA_CACHEINFO, RTA_PREF, ...: not needed to build a frame
                }
            }
            a += (int) rtaAlign(attributeLength);
        }
        return 0;
    }

    /**
     * RTA_MULTIPATH (an array of struct rtnexthop, each followed by its own attributes): the
     * first nexthop's interface and gateway are taken as the route's, in place of any top-level
     * RTA_OIF/RTA_GATEWAY. The kernel's own choice among the paths (per-flow hash) is not
     * reproduced; for IPv6 it normally answers RTM_GETROUTE with the one path it chose, so this
     * only matters for answers that list every path.
     */
    private static int firstNexthop(MemorySegment buf, int at, int length, Route out) {
        if (length < RTNEXTHOP_SIZE) {
            return -EPROTO;
        }
        int nexthopLength = Short.toUnsignedInt(buf.get(U16, at + RTNH_LEN_AT));
        if (nexthopLength < RTNEXTHOP_SIZE || nexthopLength > length) {
            return -EPROTO;
        }
        out.multipath = true;
        out.oif = buf.get(U32, at + RTNH_IFINDEX_AT);
        out.hasGateway = false;
        out.gateway.fill((byte) 0);
        int end = at + nexthopLength;
        int a = at + (int) rtnhAlign(RTNEXTHOP_SIZE);
        while (end - a >= RTATTR_SIZE) {
            int attributeLength = Short.toUnsignedInt(buf.get(U16, a + RTA_LEN_AT));
            if (attributeLength < RTATTR_SIZE || attributeLength > end - a) {
                return -EPROTO;
            }
            if ((buf.get(U16, a + RTA_TYPE_AT) & NLA_TYPE_MASK) == RTA_GATEWAY) {
                if (attributeLength - RTATTR_SIZE != IN6_ADDR_SIZE) {
                    return -EPROTO;
                }
                MemorySegment.copy(buf, a + RTATTR_SIZE, out.gateway, 0, IN6_ADDR_SIZE);
                out.hasGateway = true;
            }
            a += (int) rtaAlign(attributeLength);
        }
        return 0;
    }

    /**
     * Reads the RTM_NEWNEIGH message at {@code at}: its NUD state, with the 6-octet link-layer
     * address copied to {@code mac} when the state is usable; -ENODATA when a usable entry has no
     * such address; -EPROTO for a malformed message.
     */
    static int parseNeighbour(MemorySegment buf, int at, MemorySegment mac) {
        int end = at + buf.get(U32, at + NLMSG_LEN_AT);
        int body = at + NLMSG_HDRLEN;
        if (end - body < NDMSG_SIZE || buf.get(JAVA_BYTE, body + NDM_FAMILY_AT) != Libc.AF_INET6) {
            return -EPROTO;
        }
        int state = Short.toUnsignedInt(buf.get(U16, body + NDM_STATE_AT));
        int lladdr = -1;
        int lladdrLength = 0;
        int a = body + (int) nlmsgAlign(NDMSG_SIZE);
        while (end - a >= RTATTR_SIZE) {
            int attributeLength = Short.toUnsignedInt(buf.get(U16, a + RTA_LEN_AT));
            if (attributeLength < RTATTR_SIZE || attributeLength > end - a) {
                return -EPROTO;
            }
            if ((buf.get(U16, a + RTA_TYPE_AT) & NLA_TYPE_MASK) == NDA_LLADDR) {
                lladdr = a + RTATTR_SIZE;
                lladdrLength = attributeLength - RTATTR_SIZE;
            }
            a += (int) rtaAlign(attributeLength);
        }
        if (usable(state)) {
            if (lladdr < 0 || lladdrLength != ETH_ALEN) {
                return -ENODATA;
            }
            MemorySegment.copy(buf, lladdr, mac, 0, ETH_ALEN);
        }
        return state;
    }
}
