package io.stampd.dataplane.bench;

import io.stampd.dataplane.codec.ErrorEstimate;
import io.stampd.dataplane.codec.TimestampFormat;

import java.net.Inet6Address;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the traffic generator sends: IPv6/UDP data frames to one destination over {@code flows}
 * source ports, and a share of STAMP frames (unauthenticated base packets) to a STAMP peer. Built
 * with {@link #builder()}; {@link Builder#build()} checks every field, naming it in the message.
 *
 * @param namespace         network namespace (/run/netns/NAME) the generator acts in; null = the caller's
 * @param device            interface the frames leave by (a veth; its peer receives them)
 * @param destinationMac    Ethernet destination (the peer's MAC)
 * @param sourceMac         Ethernet source; null = the device's own MAC
 * @param source            IPv6 source of every frame
 * @param dataDestination   IPv6 destination of the data frames
 * @param dataSourcePort    first UDP source port of the data frames
 * @param dataPort          UDP destination port of the data frames
 * @param flows             data frames cycle their source port over this many ports (1..65536)
 * @param frameLength       data frame length on the wire, Ethernet header included (62..1514)
 * @param stampDestination  IPv6 destination of the STAMP frames; null when the share is 0
 * @param stampSourcePort   UDP source port of the STAMP frames
 * @param stampPort         UDP destination port of the STAMP frames
 * @param stampPpm          share of STAMP frames in parts per million (0..1,000,000)
 * @param stampKind         Session-Sender or Session-Reflector packets
 * @param ssid              RFC 8972 SSID of the STAMP frames
 * @param hopLimit          IPv6 hop limit (1..255)
 * @param batchSize         frames per BPF_PROG_RUN batch (live frames) or per trigger (TC), 1..256;
 *                          0 = chosen from the rate
 */
public record TrafficConfig(String namespace, String device, byte[] destinationMac, byte[] sourceMac,
                            Inet6Address source, Inet6Address dataDestination, int dataSourcePort, int dataPort,
                            int flows, int frameLength, Inet6Address stampDestination, int stampSourcePort,
                            int stampPort, int stampPpm, StampKind stampKind, int ssid, int hopLimit,
                            int batchSize) {
    /** Frame length of the paper's benchmark: 106 octets with the Ethernet header (44-octet UDP payload). */
    public static final int DEFAULT_FRAME_LENGTH = 106;
    public static final int MIN_FRAME_LENGTH = 62;
    public static final int MAX_FRAME_LENGTH = 1514;
    /** Every STAMP frame: 62 octets of headers and the 44-octet unauthenticated base packet. */
    public static final int STAMP_FRAME_LENGTH = 106;
    public static final int PPM = 1_000_000;
    public static final int MAX_BATCH_SIZE = 256;

    /** Error Estimate of the STAMP frames: not synchronised (S=0), NTP format, 1 ms. */
    public static final short ERROR_ESTIMATE = ErrorEstimate.forError(false, TimestampFormat.NTP, 1_000_000);

    public TrafficConfig {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(destinationMac, "destination MAC");
        Objects.requireNonNull(source, "source address");
        Objects.requireNonNull(dataDestination, "data destination address");
        Objects.requireNonNull(stampKind, "STAMP kind");
        destinationMac = destinationMac.clone();
        sourceMac = sourceMac == null ? null : sourceMac.clone();
        if (destinationMac.length != 6) {
            throw new IllegalArgumentException("destination MAC must have 6 octets, got " + destinationMac.length);
        }
        if (sourceMac != null && sourceMac.length != 6) {
            throw new IllegalArgumentException("source MAC must have 6 octets, got " + sourceMac.length);
        }
        if (device.isEmpty() || device.length() > 15) {
            throw new IllegalArgumentException("device must be an interface name of 1 to 15 characters, got '"
                    + device + "'");
        }
        port("data source port", dataSourcePort);
        port("data port", dataPort);
        port("STAMP source port", stampSourcePort);
        port("STAMP port", stampPort);
        if (flows < 1 || flows > 65_536 || dataSourcePort + flows - 1 > 65_535) {
            throw new IllegalArgumentException("flows must be from 1 to " + (65_536 - dataSourcePort)
                    + " (the data source ports " + dataSourcePort + " + flows - 1 must stay within 65535), got "
                    + flows);
        }
        if (frameLength < MIN_FRAME_LENGTH || frameLength > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("frame length must be from " + MIN_FRAME_LENGTH + " to "
                    + MAX_FRAME_LENGTH + " octets (Ethernet header included), got " + frameLength);
        }
        if (stampPpm < 0 || stampPpm > PPM) {
            throw new IllegalArgumentException("STAMP share must be from 0 to 100 % (0 to 1000000 ppm), got "
                    + stampPpm + " ppm");
        }
        if (stampPpm > 0 && stampDestination == null) {
            throw new IllegalArgumentException("STAMP destination address is needed when the STAMP share is above 0");
        }
        if (ssid < 0 || ssid > 65_535) {
            throw new IllegalArgumentException("ssid must be from 0 to 65535, got " + ssid);
        }
        if (hopLimit < 1 || hopLimit > 255) {
            throw new IllegalArgumentException("hop limit must be from 1 to 255, got " + hopLimit);
        }
        if (batchSize < 0 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be from 1 to " + MAX_BATCH_SIZE
                    + ", or 0 for automatic, got " + batchSize);
        }
    }

    private static void port(String what, int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(what + " must be from 1 to 65535, got " + port);
        }
    }

    @Override
    public byte[] destinationMac() {
        return destinationMac.clone();
    }

    @Override
    public byte[] sourceMac() {
        return sourceMac == null ? null : sourceMac.clone();
    }

    /** Octets of the frame template: room for the larger of a data and a STAMP frame. */
    public int templateLength() {
        return stampPpm > 0 ? Math.max(frameLength, STAMP_FRAME_LENGTH) : frameLength;
    }

    /**
     * Whether frame {@code index} of a run is a STAMP frame, as the program decides it:
     * floor((i+1)*ppm/1e6) > floor(i*ppm/1e6). Over any n consecutive frames the STAMP count is
     * floor(n*ppm/1e6) or one more.
     */
    public static boolean isStampFrame(long index, int stampPpm) {
        return (index + 1) * stampPpm / PPM > index * stampPpm / PPM;
    }

    /** STAMP frames among frames 0..frames-1 of a run (at most 2^40): floor(frames * ppm / 1e6). */
    public static long stampFramesIn(long frames, int stampPpm) {
        if (frames < 0 || frames > 1L << 40) {
            throw new IllegalArgumentException("frames must be from 0 to 2^40, got " + frames);
        }
        return frames * stampPpm / PPM;
    }

    /** Parts per million from a percentage such as 1 or 0.5 (resolution 0.0001 %). */
    public static int ppmOfPercent(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("STAMP share must be from 0 to 100 %, got " + percent);
        }
        return (int) Math.round(percent * 10_000);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from the same fields. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.namespace = namespace;
        b.device = device;
        b.destinationMac = destinationMac;
        b.sourceMac = sourceMac;
        b.source = source;
        b.dataDestination = dataDestination;
        b.dataSourcePort = dataSourcePort;
        b.dataPort = dataPort;
        b.flows = flows;
        b.frameLength = frameLength;
        b.stampDestination = stampDestination;
        b.stampSourcePort = stampSourcePort;
        b.stampPort = stampPort;
        b.stampPpm = stampPpm;
        b.stampKind = stampKind;
        b.ssid = ssid;
        b.hopLimit = hopLimit;
        b.batchSize = batchSize;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficConfig c && Objects.equals(namespace, c.namespace) && device.equals(c.device)
                && Arrays.equals(destinationMac, c.destinationMac) && Arrays.equals(sourceMac, c.sourceMac)
                && source.equals(c.source) && dataDestination.equals(c.dataDestination)
                && dataSourcePort == c.dataSourcePort && dataPort == c.dataPort && flows == c.flows
                && frameLength == c.frameLength && Objects.equals(stampDestination, c.stampDestination)
                && stampSourcePort == c.stampSourcePort && stampPort == c.stampPort && stampPpm == c.stampPpm
                && stampKind == c.stampKind && ssid == c.ssid && hopLimit == c.hopLimit && batchSize == c.batchSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, device, Arrays.hashCode(destinationMac), source, dataDestination, stampPpm);
    }

    @Override
    public String toString() {
        return "TrafficConfig[ns=" + namespace + ", dev=" + device + ", data " + source.getHostAddress() + " -> "
                + dataDestination.getHostAddress() + ":" + dataPort + " x" + flows + " flows, " + frameLength
                + " octets, STAMP " + stampPpm + " ppm " + stampKind + " -> "
                + (stampDestination == null ? "-" : stampDestination.getHostAddress()) + ":" + stampPort + "]";
    }

    /** Mutable builder with the benchmark's defaults. */
    public static final class Builder {
        private String namespace;
        private String device;
        private byte[] destinationMac;
        private byte[] sourceMac;
        private Inet6Address source;
        private Inet6Address dataDestination;
        private int dataSourcePort = 10_000;
        private int dataPort = 9; // discard
        private int flows = 1;
        private int frameLength = DEFAULT_FRAME_LENGTH;
        private Inet6Address stampDestination;
        private Integer stampSourcePort;
        private int stampPort = 862;
        private int stampPpm;
        private StampKind stampKind = StampKind.SENDER;
        private int ssid = 1;
        private int hopLimit = 64;
        private int batchSize;

        private Builder() {
        }

        public Builder namespace(String name) {
            this.namespace = name;
            return this;
        }

        public Builder device(String name) {
            this.device = name;
            return this;
        }

        public Builder destinationMac(byte[] mac) {
            this.destinationMac = mac;
            return this;
        }

        public Builder sourceMac(byte[] mac) {
            this.sourceMac = mac;
            return this;
        }

        public Builder source(Inet6Address address) {
            this.source = address;
            return this;
        }

        public Builder dataDestination(Inet6Address address) {
            this.dataDestination = address;
            return this;
        }

        public Builder dataSourcePort(int port) {
            this.dataSourcePort = port;
            return this;
        }

        public Builder dataPort(int port) {
            this.dataPort = port;
            return this;
        }

        public Builder flows(int count) {
            this.flows = count;
            return this;
        }

        public Builder frameLength(int octets) {
            this.frameLength = octets;
            return this;
        }

        public Builder stampDestination(Inet6Address address) {
            this.stampDestination = address;
            return this;
        }

        /** Default: 862 for reflector packets (they come from a reflector), 10862 for sender packets. */
        public Builder stampSourcePort(int port) {
            this.stampSourcePort = port;
            return this;
        }

        public Builder stampPort(int port) {
            this.stampPort = port;
            return this;
        }

        public Builder stampPpm(int ppm) {
            this.stampPpm = ppm;
            return this;
        }

        public Builder stampPercent(double percent) {
            this.stampPpm = ppmOfPercent(percent);
            return this;
        }

        public Builder stampKind(StampKind kind) {
            this.stampKind = kind;
            return this;
        }

        public Builder ssid(int value) {
            this.ssid = value;
            return this;
        }

        public Builder hopLimit(int value) {
            this.hopLimit = value;
            return this;
        }

        public Builder batchSize(int frames) {
            this.batchSize = frames;
            return this;
        }

        public TrafficConfig build() {
            int stampSource = stampSourcePort != null ? stampSourcePort
                    : stampKind == StampKind.REFLECTOR ? 862 : 10_862;
            return new TrafficConfig(namespace, device, destinationMac, sourceMac, source, dataDestination,
                    dataSourcePort, dataPort, flows, frameLength, stampDestination, stampSource, stampPort, stampPpm,
                    stampKind, ssid, hopLimit, batchSize);
        }
    }
}
