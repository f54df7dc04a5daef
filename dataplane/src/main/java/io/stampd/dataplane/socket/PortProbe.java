package io.stampd.dataplane.socket;

import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.PeerAddresses;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Optional;

/**
 * Binds and releases a UDP port to see whether a session could take it, before a commit touches
 * the data plane: so that a port held by another program refuses the commit while nothing of it
 * has been started or stopped (and no test packet of it has been sent).
 */
final class PortProbe {
    /** Why a probe failed: the port is taken, or the address is not one of this node's. */
    enum Problem { IN_USE, ADDRESS_NOT_AVAILABLE, OTHER }

    record Refusal(Problem problem, String message) {
    }

    private PortProbe() {
    }

    /** Empty if [address]:port (address null: any) can be bound now. */
    static Optional<Refusal> check(Inet6Address address, int port) {
        InetAddress bindTo = address != null ? address : anyAddress();
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            ch.bind(new InetSocketAddress(bindTo, port));
            return Optional.empty();
        } catch (IOException e) {
            String where = "UDP " + PeerAddresses.withPort(address, port);
            String m = String.valueOf(e.getMessage());
            if (m.contains("in use")) {
                return Optional.of(new Refusal(Problem.IN_USE, where + " is already in use"));
            }
            if (m.contains("assign requested address")) {
                return Optional.of(new Refusal(Problem.ADDRESS_NOT_AVAILABLE, where + " cannot be bound: "
                        + Ipv6Addresses.format(address) + " is not an address of this node"));
            }
            String hint = m.contains("Permission denied") ? io.stampd.sys.Capabilities.privilegedPortHint(port) : "";
            return Optional.of(new Refusal(Problem.OTHER, where + " cannot be bound: " + m + hint));
        }
    }

    private static InetAddress anyAddress() {
        try {
            return InetAddress.getByName("::");
        } catch (IOException e) {
            throw new IllegalStateException("the IPv6 any address", e);
        }
    }
}
