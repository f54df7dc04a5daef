package io.stampd.dataplane.session;

import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import java.net.Inet6Address;
import java.util.Arrays;
import java.util.List;

/**
 * What a Session-Sender test session sends: endpoints, the SRv6 forward path (first hop first, its
 * last segment being the reflector), timing, format and authentication. Validated on construction
 * so that a data plane never sees an impossible session.
 *
 * @param id               operator's session key (uint32)
 * @param ssid             STAMP Session Identifier, RFC 8972 (0..65535)
 * @param senderAddress    source address, or null to let the kernel choose
 * @param senderPort       source UDP port, 0 for an ephemeral one
 * @param packetCount      packets to send, 0 for no limit
 * @param hmacKey          HMAC-SHA-256 key for authenticated mode, or null
 * @param packetLength     UDP payload length; octets past the base packet are Extra Padding
 * @param lossTimeoutNanos how long a reply may take before its test packet counts as lost
 * @param percentiles      the three reported percentiles, each in (0, 100)
 * @param recordCapacity   how many of the latest records are kept
 * @param reflectorMode    what the sender knows of the reflector's numbering (forward/backward loss)
 * @param followUpTelemetry ask a stateful reflector for the transmit time of its previous reply
 *                         (RFC 8972 §4.7 Follow-Up Telemetry TLV) and use it as that reply's T3
 * @param ecn              ECN codepoint of the test packets (0..3, RFC 3168), next to the DSCP
 * @param classOfService   a Class of Service TLV to send, or null for none
 */
public record SenderSessionConfig(long id, int ssid, Inet6Address senderAddress, int senderPort,
                                  Inet6Address reflectorAddress, int reflectorPort,
                                  List<Inet6Address> forwardSegments, long intervalNanos, long packetCount,
                                  TimestampFormat timestampFormat, byte[] hmacKey, int packetLength, int dscp,
                                  long lossTimeoutNanos, double[] percentiles, int recordCapacity,
                                  SenderStatistics.ReflectorMode reflectorMode, boolean followUpTelemetry,
                                  int ecn, ClassOfServiceRequest classOfService) {

    public static final int DEFAULT_REFLECTOR_PORT = 862;
    public static final long MIN_INTERVAL_NANOS = 1_000_000L;
    public static final int MAX_PACKET_LENGTH = 9000;
    /** Octets of the HMAC TLV (header and 16-octet HMAC). */
    public static final int HMAC_TLV_LENGTH = 20;
    /** Octets of the Follow-Up Telemetry TLV (header and 16-octet value). */
    public static final int FOLLOW_UP_TLV_LENGTH = 20;

    /** A session whose test packets are Not-ECT and carry no Class of Service TLV. */
    public SenderSessionConfig(long id, int ssid, Inet6Address senderAddress, int senderPort,
                               Inet6Address reflectorAddress, int reflectorPort,
                               List<Inet6Address> forwardSegments, long intervalNanos, long packetCount,
                               TimestampFormat timestampFormat, byte[] hmacKey, int packetLength, int dscp,
                               long lossTimeoutNanos, double[] percentiles, int recordCapacity,
                               SenderStatistics.ReflectorMode reflectorMode, boolean followUpTelemetry) {
        this(id, ssid, senderAddress, senderPort, reflectorAddress, reflectorPort, forwardSegments, intervalNanos,
                packetCount, timestampFormat, hmacKey, packetLength, dscp, lossTimeoutNanos, percentiles,
                recordCapacity, reflectorMode, followUpTelemetry, 0, null);
    }

    public SenderSessionConfig {
        Ports.checkSessionId(id, "session id");
        Ports.checkSsid(ssid, "ssid");
        Ports.checkSenderPort(senderPort, "sender port");
        Ports.checkReflectorPort(reflectorPort, "reflector port");
        if (reflectorAddress == null) {
            throw new IllegalArgumentException("reflector address is missing");
        }
        if (PeerAddresses.isUnspecified(reflectorAddress) || PeerAddresses.isMulticast(reflectorAddress)) {
            throw new IllegalArgumentException("reflector address " + Ipv6Addresses.format(reflectorAddress)
                    + " is not a unicast address");
        }
        forwardSegments = List.copyOf(forwardSegments == null ? List.of() : forwardSegments);
        Ipv6Addresses.checkSegments(forwardSegments, "forward segment list");
        PeerAddresses.checkFamilies("sender session " + id, senderAddress, reflectorAddress, forwardSegments,
                "forward segment list");
        if (!forwardSegments.isEmpty() && !forwardSegments.getLast().equals(reflectorAddress)) {
            throw new IllegalArgumentException("forward segment list must end at the reflector "
                    + Ipv6Addresses.format(reflectorAddress) + ", but its last segment is "
                    + Ipv6Addresses.format(forwardSegments.getLast()));
        }
        if (intervalNanos < MIN_INTERVAL_NANOS) {
            throw new IllegalArgumentException("interval " + (intervalNanos / 1000) + " us is below the minimum 1 ms");
        }
        if (packetCount < 0) {
            throw new IllegalArgumentException("packet count " + packetCount + " is negative");
        }
        if (timestampFormat == null) {
            timestampFormat = TimestampFormat.NTP;
        }
        if (hmacKey != null && hmacKey.length == 0) {
            throw new IllegalArgumentException("HMAC key is empty");
        }
        hmacKey = hmacKey == null ? null : hmacKey.clone();
        int base = StampLayout.of(hmacKey != null).baseLength;
        int requiredTlvs = (followUpTelemetry ? FOLLOW_UP_TLV_LENGTH : 0)
                + (classOfService != null ? ClassOfServiceRequest.TLV_LENGTH : 0);
        if (requiredTlvs > 0) {
            checkTlvRoom(packetLength, base, requiredTlvs, hmacKey != null, followUpTelemetry, classOfService != null);
            if (packetLength == 0) {
                packetLength = base + requiredTlvs + (hmacKey != null ? HMAC_TLV_LENGTH : 0);
            }
        }
        if (packetLength == 0) {
            packetLength = base;
        }
        if (packetLength < base || packetLength > MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException("packet length " + packetLength + " is outside " + base + ".."
                    + MAX_PACKET_LENGTH + " octets (base packet " + base + ")");
        }
        // Authenticated packets with TLVs end in an HMAC TLV (RFC 8972 §4.8); the rest is padding.
        int tlvRoom = packetLength - base - (hmacKey != null && packetLength > base ? HMAC_TLV_LENGTH : 0);
        if (packetLength > base && (tlvRoom < 0 || (tlvRoom > 0 && tlvRoom < 4))) {
            throw new IllegalArgumentException("packet length " + packetLength + " leaves " + (packetLength - base)
                    + " octets after the base packet; TLVs need " + (hmacKey != null
                    ? HMAC_TLV_LENGTH + " (HMAC TLV) or at least " + (HMAC_TLV_LENGTH + 4) + " (padding and HMAC TLV)"
                    : "at least 4 (a TLV header)"));
        }
        if (dscp < 0 || dscp > 63) {
            throw new IllegalArgumentException("dscp " + dscp + " is outside 0..63");
        }
        if (ecn < 0 || ecn > 3) {
            throw new IllegalArgumentException("ecn " + ecn + " is outside 0..3");
        }
        if (lossTimeoutNanos <= 0) {
            lossTimeoutNanos = 2_000_000_000L;
        }
        if (percentiles == null) {
            percentiles = new double[] {95.0, 99.0, 99.9};
        }
        if (percentiles.length != 3) {
            throw new IllegalArgumentException("exactly three percentiles are needed, got " + percentiles.length);
        }
        for (double p : percentiles) {
            if (!(p > 0 && p < 100)) {
                throw new IllegalArgumentException("percentile " + p + " is outside (0, 100)");
            }
        }
        percentiles = percentiles.clone();
        if (recordCapacity <= 0) {
            recordCapacity = 256;
        }
        if (reflectorMode == null) {
            reflectorMode = SenderStatistics.ReflectorMode.AUTO;
        }
    }

    /**
     * The TLVs the session must send (Follow-Up Telemetry, Class of Service) go right after the base
     * packet, then any padding, then (authenticated) the HMAC TLV: a given length must leave room
     * for them all, and padding of at least a TLV header or none.
     */
    private static void checkTlvRoom(int packetLength, int base, int requiredTlvs, boolean authenticated,
                                     boolean followUp, boolean classOfService) {
        if (packetLength == 0) {
            return;
        }
        int fixed = requiredTlvs + (authenticated ? HMAC_TLV_LENGTH : 0);
        int padding = packetLength - base - fixed;
        if (padding < 0 || (padding > 0 && padding < 4)) {
            String tlvs = followUp && classOfService ? "the Follow-Up Telemetry and Class of Service TLVs"
                    : followUp ? "the Follow-Up Telemetry TLV" : "the Class of Service TLV";
            throw new IllegalArgumentException("packet length " + packetLength + " has no room for " + tlvs
                    + ": it needs " + (base + fixed) + " octets" + (authenticated ? " (with the HMAC TLV)" : "")
                    + ", or at least " + (base + fixed + 4) + " with padding");
        }
    }

    /** The Traffic Class octet of the test packets: DSCP and ECN. */
    public int trafficClass() {
        return dscp << 2 | ecn;
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

    @Override
    public double[] percentiles() {
        return percentiles.clone();
    }

    @Override
    public String toString() {
        return "sender session " + id + " (ssid " + ssid + ") to "
                + PeerAddresses.withPort(reflectorAddress, reflectorPort) + (forwardSegments.isEmpty() ? "" : " via " + forwardSegments.stream()
                .map(Ipv6Addresses::format).toList()) + " every " + intervalNanos / 1000 + " us"
                + (hmacKey != null ? ", authenticated" : "") + (followUpTelemetry ? ", follow-up telemetry" : "")
                + (ecn != 0 ? ", ECN " + Ecn.name(ecn) : "") + (classOfService != null ? ", " + classOfService : "")
                + ", percentiles " + Arrays.toString(percentiles);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder with the defaults an operator expects (port 862, 1 s, NTP, unauthenticated). */
    public static final class Builder {
        private long id = 1;
        private int ssid = 1;
        private Inet6Address senderAddress;
        private int senderPort;
        private Inet6Address reflectorAddress;
        private int reflectorPort = DEFAULT_REFLECTOR_PORT;
        private List<Inet6Address> forwardSegments = List.of();
        private long intervalNanos = 1_000_000_000L;
        private long packetCount;
        private TimestampFormat timestampFormat = TimestampFormat.NTP;
        private byte[] hmacKey;
        private int packetLength;
        private int dscp;
        private long lossTimeoutNanos;
        private double[] percentiles;
        private int recordCapacity;
        private SenderStatistics.ReflectorMode reflectorMode;
        private boolean followUpTelemetry;
        private int ecn;
        private ClassOfServiceRequest classOfService;

        public Builder id(long v) { id = v; return this; }
        public Builder ssid(int v) { ssid = v; return this; }
        public Builder senderAddress(Inet6Address v) { senderAddress = v; return this; }
        public Builder senderPort(int v) { senderPort = v; return this; }
        public Builder reflectorAddress(Inet6Address v) { reflectorAddress = v; return this; }
        public Builder reflectorPort(int v) { reflectorPort = v; return this; }
        public Builder forwardSegments(List<Inet6Address> v) { forwardSegments = v; return this; }
        public Builder intervalNanos(long v) { intervalNanos = v; return this; }
        public Builder packetCount(long v) { packetCount = v; return this; }
        public Builder timestampFormat(TimestampFormat v) { timestampFormat = v; return this; }
        public Builder hmacKey(byte[] v) { hmacKey = v; return this; }
        public Builder packetLength(int v) { packetLength = v; return this; }
        public Builder dscp(int v) { dscp = v; return this; }
        public Builder lossTimeoutNanos(long v) { lossTimeoutNanos = v; return this; }
        public Builder percentiles(double[] v) { percentiles = v; return this; }
        public Builder recordCapacity(int v) { recordCapacity = v; return this; }
        public Builder reflectorMode(SenderStatistics.ReflectorMode v) { reflectorMode = v; return this; }
        public Builder followUpTelemetry(boolean v) { followUpTelemetry = v; return this; }
        public Builder ecn(int v) { ecn = v; return this; }
        public Builder classOfService(ClassOfServiceRequest v) { classOfService = v; return this; }

        public SenderSessionConfig build() {
            return new SenderSessionConfig(id, ssid, senderAddress, senderPort, reflectorAddress, reflectorPort,
                    forwardSegments, intervalNanos, packetCount, timestampFormat, hmacKey, packetLength, dscp,
                    lossTimeoutNanos, percentiles, recordCapacity, reflectorMode, followUpTelemetry, ecn,
                    classOfService);
        }
    }
}
