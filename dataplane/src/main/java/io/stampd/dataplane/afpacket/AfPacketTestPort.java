package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.codec.UdpChecksum;
import io.stampd.dataplane.core.SessionSender;
import io.stampd.dataplane.core.TestPacketPort;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.util.List;

/**
 * How one Session-Sender's test packets leave through the AF_PACKET plane: a frame template of
 * its own (Ethernet, IPv6, the forward SRH, UDP) in which only the payload the core writes, the
 * lengths and the checksum change from packet to packet. The checksum is the template's constant
 * part (pseudo-header, ports, length: recomputed only when the source, next hop or length
 * change) plus the payload. When the kernel has no usable next hop for the first segment, or it
 * lies behind another interface, or the packet is longer than the link's MTU, it goes through the
 * socket path's port instead ({@code kernelPort}), which makes the kernel resolve the neighbour
 * (or fragment the packet).
 */
final class AfPacketTestPort implements TestPacketPort {
    private final AfPacketPlane plane;
    private final SessionSender session;
    /** The socket path's port of the session: the fallback, and the session's own after a detach. */
    final TestPacketPort kernelPort;
    private final MemorySegment slot;
    private final MemorySegment payload;
    private final MemorySegment path;
    private final int segments;
    private final MemorySegment destination;
    private final MemorySegment configuredSource;
    private final int localPort;
    private final int remotePort;
    private final int start;
    // the template as last written
    private NextHops.Hop templateHop;
    private long templateMac;
    private long templateSourceHigh;
    private long templateSourceLow;
    private int templateLength = -1;
    private int templateTrafficClass = -1;
    private long flowSum;
    private boolean throughKernel;
    private int length;
    /** The transmit-timestamp key of the packet prepared, or -1. */
    private long key = -1;
    /** The sequence number of the packet prepared. */
    private long seq;

    AfPacketTestPort(AfPacketPlane plane, SessionSender session, TestPacketPort kernelPort) {
        this.plane = plane;
        this.session = session;
        this.kernelPort = kernelPort;
        Arena arena = Arena.ofAuto();
        slot = arena.allocate(FrameWriter.HEAD + 9216, 64);
        payload = slot.asSlice(FrameWriter.HEAD);
        List<Inet6Address> forward = session.config.forwardSegments();
        segments = forward.size();
        path = arena.allocate(16L * Math.max(1, segments), 8);
        for (int i = 0; i < segments; i++) {
            MemorySegment.copy(forward.get(i).getAddress(), 0, path, java.lang.foreign.ValueLayout.JAVA_BYTE, 16L * i, 16);
        }
        destination = arena.allocate(16, 8);
        MemorySegment.copy(session.config.reflectorAddress().getAddress(), 0, destination,
                java.lang.foreign.ValueLayout.JAVA_BYTE, 0, 16);
        Inet6Address src = session.config.senderAddress();
        configuredSource = src == null ? null : arena.allocate(16, 8);
        if (src != null) {
            MemorySegment.copy(src.getAddress(), 0, configuredSource, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, 16);
        }
        localPort = kernelPort.localPort();
        remotePort = session.config.reflectorPort();
        start = FrameWriter.start(segments);
    }

    @Override
    public MemorySegment buffer() {
        return payload;
    }

    @Override
    public void prepare(int length, int trafficClass, long seq) {
        this.length = length;
        this.seq = seq;
        NextHops.Hop hop = plane.hopTowards(segments > 0 ? path : destination);
        MemorySegment source = configuredSource != null ? configuredSource : hop.hasSource ? hop.source : null;
        throughKernel = !plane.sendsVia(hop) || source == null || !plane.fits(segments, length);
        if (throughKernel) {
            plane.counters.testPacketsThroughKernel++;
            kernelPort.prepare(length, trafficClass, seq);
            return;
        }
        key = plane.txStamps.enabled() ? Integer.toUnsignedLong(plane.txStamps.key(session, seq)) : -1;
        int tc = trafficClass;
        long sh = source.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
        long sl = source.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8);
        if (hop != templateHop || hop.mac != templateMac || length != templateLength || tc != templateTrafficClass
                || sh != templateSourceHigh || sl != templateSourceLow) {
            FrameWriter.write(slot, hop.mac, plane.localMac, tc, plane.hopLimit, source, 0, path, 0, segments,
                    destination, 0, localPort, remotePort, length);
            flowSum = UdpChecksum.flowSum(slot, FrameWriter.sourceOffset(segments), slot,
                    FrameWriter.finalDestinationOffset(segments), slot, FrameWriter.UDP, FrameBatch.UDP_HEADER + length);
            templateHop = hop;
            templateMac = hop.mac;
            templateLength = length;
            templateTrafficClass = tc;
            templateSourceHigh = sh;
            templateSourceLow = sl;
        }
    }

    /** Sends the frame at once (one sendmsg); through the kernel, the socket path holds it for its batch. */
    @Override
    public void send() {
        if (throughKernel) {
            MemorySegment.copy(payload, 0, kernelPort.buffer(), 0, length);
            kernelPort.send();
            return;
        }
        int udpLength = FrameBatch.UDP_HEADER + length;
        slot.set(FrameWriter.U16, FrameWriter.UDP + 6,
                (short) UdpChecksum.withPayload(flowSum, slot, FrameWriter.UDP, udpLength));
        session.sendCompleted(seq, plane.sendFrame(slot, start, FrameWriter.HEAD + length - start, key));
    }

    @Override
    public void drainTransmitTimes() {
        plane.txStamps.drain();
        kernelPort.drainTransmitTimes(); // the packets that went through the kernel
    }

    @Override
    public int localPort() {
        return localPort;
    }
}
