package io.stampd.dataplane.session;

import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import java.net.Inet6Address;
import java.util.List;

/**
 * A provisioned Session-Reflector test session. A received test packet belongs to the session when
 * its SSID and 4-tuple match; a null address, a zero port or a negative SSID are wildcards.
 * Packets that match no session are discarded and counted (RFC 8972 §3: no answers to arbitrary
 * senders).
 *
 * @param returnSegments the SRv6 return path first hop first, ending at the sender; empty = plain IPv6
 * @param acceptShortTestPackets answer unauthenticated test packets shorter than the STAMP base
 *        packet (44 octets) but at least {@link #SHORTEST_TEST_PACKET} long, as TWAMP-Light senders
 *        send them (RFC 8762 §4.6, RFC 5357 §4.1.2), with a base-size reply as if zero-filled;
 *        false: they are counted as malformed and dropped. No effect in authenticated mode, which
 *        needs the whole packet to check its HMAC.
 * @param classOfService how the replies get their DSCP and ECN (null: {@link ClassOfServicePolicy#DEFAULT})
 * @param rateLimit the most test packets of this session answered (token bucket; over it they are
 *        dropped and counted), null: unlimited
 */
public record ReflectorSessionConfig(long id, int ssid, Inet6Address senderAddress, int senderPort,
                                     Inet6Address reflectorAddress, int reflectorPort,
                                     List<Inet6Address> returnSegments, TimestampFormat timestampFormat,
                                     boolean stateful, byte[] hmacKey, boolean acceptShortTestPackets,
                                     ClassOfServicePolicy classOfService, RateLimit rateLimit) {

    /** Matches any SSID. */
    public static final int ANY_SSID = -1;
    /**
     * The shortest test packet a session accepting short ones answers: a TWAMP-Light unauthenticated
     * test packet without padding, Sequence Number, Timestamp and Error Estimate (RFC 5357 §4.1.2).
     */
    public static final int SHORTEST_TEST_PACKET = 14;

    /** A session that drops test packets shorter than the base packet (the strict RFC 8762 reflector). */
    public ReflectorSessionConfig(long id, int ssid, Inet6Address senderAddress, int senderPort,
                                  Inet6Address reflectorAddress, int reflectorPort,
                                  List<Inet6Address> returnSegments, TimestampFormat timestampFormat,
                                  boolean stateful, byte[] hmacKey) {
        this(id, ssid, senderAddress, senderPort, reflectorAddress, reflectorPort, returnSegments, timestampFormat,
                stateful, hmacKey, false);
    }

    /** A session whose replies keep the request's DSCP unless a Class of Service TLV asks for another. */
    public ReflectorSessionConfig(long id, int ssid, Inet6Address senderAddress, int senderPort,
                                  Inet6Address reflectorAddress, int reflectorPort,
                                  List<Inet6Address> returnSegments, TimestampFormat timestampFormat,
                                  boolean stateful, byte[] hmacKey, boolean acceptShortTestPackets) {
        this(id, ssid, senderAddress, senderPort, reflectorAddress, reflectorPort, returnSegments, timestampFormat,
                stateful, hmacKey, acceptShortTestPackets, ClassOfServicePolicy.DEFAULT);
    }

    /** An unlimited session (no rate limit). */
    public ReflectorSessionConfig(long id, int ssid, Inet6Address senderAddress, int senderPort,
                                  Inet6Address reflectorAddress, int reflectorPort,
                                  List<Inet6Address> returnSegments, TimestampFormat timestampFormat,
                                  boolean stateful, byte[] hmacKey, boolean acceptShortTestPackets,
                                  ClassOfServicePolicy classOfService) {
        this(id, ssid, senderAddress, senderPort, reflectorAddress, reflectorPort, returnSegments, timestampFormat,
                stateful, hmacKey, acceptShortTestPackets, classOfService, null);
    }

    /** This session with {@code limit} (null: unlimited). */
    public ReflectorSessionConfig withRateLimit(RateLimit limit) {
        return new ReflectorSessionConfig(id, ssid, senderAddress, senderPort, reflectorAddress, reflectorPort,
                returnSegments, timestampFormat, stateful, hmacKey, acceptShortTestPackets, classOfService, limit);
    }

    public ReflectorSessionConfig {
        Ports.checkSessionId(id, "session id");
        if (ssid != ANY_SSID) {
            Ports.checkSsid(ssid, "ssid");
        }
        Ports.checkSenderPort(senderPort, "sender port");
        Ports.checkReflectorPort(reflectorPort, "reflector port");
        returnSegments = List.copyOf(returnSegments == null ? List.of() : returnSegments);
        Ipv6Addresses.checkSegments(returnSegments, "return segment list");
        PeerAddresses.checkFamilies("reflector session " + id, senderAddress, reflectorAddress, returnSegments,
                "return segment list");
        if (!returnSegments.isEmpty() && senderAddress != null && !returnSegments.getLast().equals(senderAddress)) {
            throw new IllegalArgumentException("return segment list must end at the sender "
                    + Ipv6Addresses.format(senderAddress) + ", but its last segment is "
                    + Ipv6Addresses.format(returnSegments.getLast()));
        }
        if (timestampFormat == null) {
            timestampFormat = TimestampFormat.NTP;
        }
        if (hmacKey != null && hmacKey.length == 0) {
            throw new IllegalArgumentException("HMAC key is empty");
        }
        hmacKey = hmacKey == null ? null : hmacKey.clone();
        if (classOfService == null) {
            classOfService = ClassOfServicePolicy.DEFAULT;
        }
        if (reflectorAddress != null && PeerAddresses.isMulticast(reflectorAddress)) {
            throw new IllegalArgumentException("reflector address " + Ipv6Addresses.format(reflectorAddress)
                    + " is a multicast address");
        }
    }

    public boolean authenticated() {
        return hmacKey != null;
    }

    public StampLayout layout() {
        return StampLayout.of(authenticated());
    }

    @Override
    public byte[] hmacKey() {
        return hmacKey == null ? null : hmacKey.clone();
    }

    /** True if this session's match fields overlap another's (both could claim the same packet). */
    public boolean overlaps(ReflectorSessionConfig o) {
        return reflectorPort == o.reflectorPort
                && (ssid == ANY_SSID || o.ssid == ANY_SSID || ssid == o.ssid)
                && (senderAddress == null || o.senderAddress == null || senderAddress.equals(o.senderAddress))
                && (senderPort == 0 || o.senderPort == 0 || senderPort == o.senderPort)
                && (reflectorAddress == null || o.reflectorAddress == null
                || reflectorAddress.equals(o.reflectorAddress));
    }

    @Override
    public String toString() {
        return "reflector session " + id + " (ssid " + (ssid == ANY_SSID ? "any" : ssid) + ") on port " + reflectorPort
                + (returnSegments.isEmpty() ? "" : " returning via "
                + returnSegments.stream().map(Ipv6Addresses::format).toList())
                + (stateful ? ", stateful" : ", stateless") + (hmacKey != null ? ", authenticated" : "")
                + (acceptShortTestPackets && hmacKey == null ? ", answers short (TWAMP-Light) test packets" : "")
                + (classOfService.equals(ClassOfServicePolicy.DEFAULT) ? "" : ", " + classOfService)
                + (rateLimit == null ? "" : ", at most " + rateLimit);
    }
}
