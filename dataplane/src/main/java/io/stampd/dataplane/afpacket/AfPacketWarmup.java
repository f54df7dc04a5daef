package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.dataplane.codec.UdpChecksum;
import io.stampd.dataplane.core.SessionReflector;
import io.stampd.dataplane.core.StampNode;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.sys.Libc;
import io.stampd.sys.packet.PacketRing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Runs the AF_PACKET plane's per-packet reflector path until the JIT has compiled it: a frame
 * parsed out of "the ring", the core's reflection, the reply frame built, T3 and its checksum, and
 * the sendmmsg, which fails at once (the plane sends to descriptor -1 while this runs), towards a
 * next hop seeded here, so the kernel is not asked and nothing reaches a network. Without it the
 * first seconds of traffic run in the interpreter while C2 compiles on the same CPU: the
 * benchmark's reflector lost a tenth of its rate to that in each short trial.
 *
 * <p>Runs in the plane's constructor on the I/O thread, before the ring is registered; the
 * throw-away session (port 65535, SSID 65535, from fd00::5741:524d, a tuple no real session is expected
 * to hold; if one does, the warm-up is skipped) leaves the session core's table afterwards.
 */
final class AfPacketWarmup {
    private static final int ROUNDS = 5_000;
    private static final int PORT = 65_535;
    private static final int PEER_PORT = 40_000;
    private static final int SSID = 65_535;

    private AfPacketWarmup() {
    }

    static void run(AfPacketPlane plane, StampNode node) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment peer = arena.allocate(16, 8);
            MemorySegment self = arena.allocate(16, 8);
            peer.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0, 0xfd00_0000_0000_0000L);
            peer.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 8, 0x5741_524dL);
            MemorySegment.copy(peer, 0, self, 0, 16);
            self.set(ValueLayout.JAVA_BYTE, 15, (byte) 0x4e);
            java.net.Inet6Address peerAddress;
            try {
                peerAddress = (java.net.Inet6Address) java.net.InetAddress.getByAddress(peer.toArray(ValueLayout.JAVA_BYTE));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            SessionReflector s = new SessionReflector(node, new ReflectorSessionConfig(0, SSID, peerAddress, PEER_PORT,
                    null, PORT, List.of(), TimestampFormat.NTP, true, null));
            try {
                node.reflectors.add(s);
            } catch (RuntimeException e) {
                return; // a real session holds this tuple: no warm-up rather than a wrong answer
            }
            plane.reflectorPortUse()[PORT]++;
            plane.window(Long.MIN_VALUE, Long.MAX_VALUE);
            node.sourceLimiter.suspend(true);
            try {
                MemorySegment frame = arena.allocate(FrameWriter.HEAD + 64, 64);
                int len = StampLayout.UNAUTHENTICATED.baseLength;
                int start = FrameWriter.write(frame, plane.localMac, plane.localMac, 0, 64, peer, 0, null, 0, 0,
                        self, 0, PEER_PORT, PORT, len);
                MemorySegment payload = frame.asSlice(FrameWriter.HEAD, len);
                for (int i = 0; i < ROUNDS; i++) {
                    plane.nextHops().seed(peer, plane.ifindex, plane.localMac, self, System.nanoTime());
                    StampLayout.UNAUTHENTICATED.writeSender(payload, i, Timestamps.encode(Libc.realtimeNanos(),
                            TimestampFormat.NTP), (short) 1, SSID);
                    frame.set(FrameWriter.U16, FrameWriter.UDP + 6, (short) 0);
                    UdpChecksum.fill(frame, FrameWriter.sourceOffset(0), frame, FrameWriter.finalDestinationOffset(0),
                            frame, FrameWriter.UDP, FrameBatch.UDP_HEADER + len);
                    plane.frame(frame, start, FrameWriter.HEAD + len - start, FrameWriter.HEAD + len - start,
                            Libc.realtimeNanos(),
                            PacketRing.Stamp.SOFTWARE, (i & 1) == 0);
                    plane.handleBatch();
                }
            } finally {
                node.sourceLimiter.suspend(false);
                plane.window(Long.MAX_VALUE, Long.MAX_VALUE);
                plane.reflectorPortUse()[PORT]--;
                node.reflectors.remove(s);
            }
        }
    }
}
