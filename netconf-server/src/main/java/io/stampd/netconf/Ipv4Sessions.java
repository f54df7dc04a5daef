package io.stampd.netconf;

import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.PeerAddresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import org.opendaylight.yangtools.yang.common.ErrorTag;

import java.net.Inet6Address;
import java.util.List;

/**
 * The commit rules of IPv4 test sessions that YANG does not say (inet:ip-address admits both
 * families on each leaf): one IP version per session, no SRv6 segment list (SRv6 is IPv6), and
 * the socket data plane only (the XDP and AF_PACKET programs parse IPv6 frames). Each refusal
 * points at the leaf or container to change.
 */
final class Ipv4Sessions {
    private Ipv4Sessions() {
    }

    static void checkSender(long id, Inet6Address sender, Inet6Address reflector, List<Inet6Address> forward,
                            List<Inet6Address> back, String path) throws CommitVetoException {
        sameFamily("sender session " + id, sender, reflector, path + "/sender-ip");
        if (PeerAddresses.isIpv4(reflector)) {
            noSegments("sender session " + id, reflector, forward, path + "/forward-path");
            noSegments("sender session " + id, reflector, back, path + "/return-path");
        }
    }

    static void checkReflector(long id, Inet6Address sender, Inet6Address reflector, List<Inet6Address> back,
                               String path) throws CommitVetoException {
        sameFamily("reflector session " + id, sender, reflector, path + "/reflector-ip");
        Inet6Address v4 = sender != null && PeerAddresses.isIpv4(sender) ? sender
                : reflector != null && PeerAddresses.isIpv4(reflector) ? reflector : null;
        if (v4 != null) {
            noSegments("reflector session " + id, v4, back, path + "/return-path");
        }
    }

    /** Refuses an IPv4 sender session on a plane other than the socket plane. */
    static void checkPlane(PlaneSettings plane, SenderSessionConfig s, String path) throws CommitVetoException {
        try {
            PeerAddresses.checkPlane(plane.kind(), List.of(s), List.of());
        } catch (DataPlaneException e) {
            throw new CommitVetoException(path + "/session-reflector-ip", ErrorTag.OPERATION_NOT_SUPPORTED,
                    e.getMessage());
        }
    }

    /** Refuses an IPv4 reflector session on a plane other than the socket plane. */
    static void checkPlane(PlaneSettings plane, ReflectorSessionConfig r, String path) throws CommitVetoException {
        try {
            PeerAddresses.checkPlane(plane.kind(), List.of(), List.of(r));
        } catch (DataPlaneException e) {
            throw new CommitVetoException(path + (r.senderAddress() != null ? "/sender-ip" : "/reflector-ip"),
                    ErrorTag.OPERATION_NOT_SUPPORTED, e.getMessage());
        }
    }

    private static void sameFamily(String session, Inet6Address sender, Inet6Address reflector, String leafPath)
            throws CommitVetoException {
        if (sender != null && reflector != null && PeerAddresses.isIpv4(sender) != PeerAddresses.isIpv4(reflector)) {
            throw new CommitVetoException(leafPath, session + ": sender address " + Ipv6Addresses.format(sender)
                    + " is " + PeerAddresses.family(sender) + " but reflector address "
                    + Ipv6Addresses.format(reflector) + " is " + PeerAddresses.family(reflector)
                    + "; both must be of the same IP version");
        }
    }

    private static void noSegments(String session, Inet6Address v4, List<Inet6Address> segments, String containerPath)
            throws CommitVetoException {
        if (!segments.isEmpty()) {
            throw new CommitVetoException(containerPath, session + ": an IPv4 session (" + Ipv6Addresses.format(v4)
                    + ") cannot have an SRv6 segment list: SRv6 segments are IPv6; remove it or use IPv6 addresses");
        }
    }
}
