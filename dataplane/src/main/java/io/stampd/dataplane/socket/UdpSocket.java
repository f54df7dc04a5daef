package io.stampd.dataplane.socket;

import io.stampd.sys.Capabilities;
import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;
import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.PeerAddresses;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A non-blocking dual-stack UDP socket (IPv6, and IPv4 through IPv4-mapped addresses) with what STAMP needs switched on: kernel receive timestamps
 * (SO_TIMESTAMPNS, for T2 and T4), the received hop limit (for the Session-Sender TTL), the
 * destination address (to answer from it) and the traffic class. The SRv6 routing header is a
 * sticky option (Linux rejects type 4 in ancillary data), so the socket remembers which
 * {@link RoutingHeader} is installed and changes it only when asked for another.
 */
final class UdpSocket implements AutoCloseable {
    final int fd;
    final int localPort;
    final String owner;
    private RoutingHeader installed = RoutingHeader.NONE;
    private boolean closed;

    private UdpSocket(int fd, int localPort, String owner) {
        this.fd = fd;
        this.localPort = localPort;
        this.owner = owner;
    }

    /**
     * Opens and binds a socket. {@code address} null binds to all addresses. {@code owner} names the
     * session(s) for error messages.
     */
    static UdpSocket bind(Inet6Address address, int port, int receiveBuffer, String owner) {
        int fd = Libc.socket(Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, Libc.IPPROTO_UDP);
        if (fd < 0) {
            throw new DataPlaneException(DataPlaneException.Reason.RESOURCE,
                    owner + ": cannot create a UDP socket: " + Libc.strerror(-fd));
        }
        try (Arena a = Arena.ofConfined()) {
            // Dual stack: IPv4 peers are IPv4-mapped addresses (PeerAddresses) on the same socket.
            option(fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 0, owner, "IPV6_V6ONLY");
            option(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1, owner, "SO_TIMESTAMPNS");
            option(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, owner, "IPV6_RECVHOPLIMIT");
            option(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, 1, owner, "IPV6_RECVPKTINFO");
            option(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVTCLASS, 1, owner, "IPV6_RECVTCLASS");
            // The same for IPv4 datagrams: their TTL and TOS come as IP_TTL and IP_TOS (IPV6_PKTINFO
            // gives their destination as an IPv4-mapped address).
            option(fd, Libc.IPPROTO_IP, Libc.IP_RECVTTL, 1, owner, "IP_RECVTTL");
            option(fd, Libc.IPPROTO_IP, Libc.IP_RECVTOS, 1, owner, "IP_RECVTOS");
            if (receiveBuffer > 0) {
                // SO_RCVBUFFORCE passes rmem_max as root; fall back to the capped option otherwise.
                if (Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, receiveBuffer) < 0) {
                    Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, receiveBuffer);
                }
            }
            MemorySegment sa = a.allocate(Libc.SOCKADDR_IN6_SIZE, 8);
            Sockaddr.write(sa, address, port);
            int r = Libc.bind(fd, sa, Libc.SOCKADDR_IN6_SIZE);
            if (r < 0) {
                String where = PeerAddresses.withPort(address, port);
                DataPlaneException.Reason reason = r == -Libc.EADDRINUSE ? DataPlaneException.Reason.PORT_IN_USE
                        : r == -99 ? DataPlaneException.Reason.ADDRESS_NOT_AVAILABLE
                        : DataPlaneException.Reason.RESOURCE;
                String hint = r == -Libc.EACCES ? Capabilities.privilegedPortHint(port) : "";
                throw new DataPlaneException(reason, owner + ": cannot bind UDP " + where + ": " + Libc.strerror(-r)
                        + hint);
            }
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, Libc.SOCKADDR_IN6_SIZE);
            Libc.getsockname(fd, sa, len);
            return new UdpSocket(fd, Sockaddr.port(sa), owner);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** A socket object on no descriptor (-1): every system call on it fails with EBADF. For the warm-up. */
    static UdpSocket invalid(String owner) {
        return new UdpSocket(-1, 0, owner);
    }

    private static void option(int fd, int level, int name, int value, String owner, String what) {
        int r = Libc.setsockoptInt(fd, level, name, value);
        if (r < 0) {
            throw new DataPlaneException(DataPlaneException.Reason.RESOURCE,
                    owner + ": setsockopt " + what + " failed: " + Libc.strerror(-r));
        }
    }

    /** Makes {@code route} the routing header of the following sends; returns 0 or -errno. */
    int useRoute(RoutingHeader route) {
        if (route == installed) {
            return 0;
        }
        int r = Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RTHDR, route.bytes, route.length);
        if (r == 0) {
            installed = route;
        }
        return r;
    }

    RoutingHeader installedRoute() {
        return installed;
    }

    /** Forgets the installed header so that the next {@link #useRoute} re-installs (after rewriting scratch). */
    void invalidateRoute() {
        installed = null;
    }

    void checkRoute(RoutingHeader route) {
        int r = useRoute(route);
        if (r < 0) {
            throw new DataPlaneException(DataPlaneException.Reason.INVALID_CONFIGURATION,
                    owner + ": the kernel refused the SRv6 routing header for path " + route.path.stream()
                    .map(Ipv6Addresses::format).toList() + ": " + Libc.strerror(-r));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
