package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The per-packet path allocates nothing: a sender packet with every TLV and both HMACs is built,
 * reflected (base packet, TLVs, HMAC verify and re-sign), and read back by the sender, 100,000
 * times after warm-up, while the JVM counts the bytes this thread allocates.
 */
class ZeroAllocationTest {
    private static final int ITERATIONS = 100_000;
    /** Slack for the measurement itself (the allocation counter and loop, not per packet). */
    private static final long SLACK_BYTES = 4096;

    private final StampLayout layout = StampLayout.AUTHENTICATED;
    private final StampHmac senderKey = new StampHmac(TlvReflectorTest.KEY);
    private final StampHmac reflectorKey = new StampHmac(TlvReflectorTest.KEY);
    private final TlvReflector reflector = new TlvReflector();
    private final ReflectContext ctx = TlvReflectorTest.context();
    private final MemorySegment request = MemorySegment.ofArray(new byte[1024]);
    private final MemorySegment reply = MemorySegment.ofArray(new byte[1024]);
    private final MemorySegment srh = MemorySegment.ofArray(new byte[Srh.length(Srh.MAX_SEGMENTS)]);
    private final MemorySegment destination = MemorySegment.ofArray(Octets.hex(TlvReflectorTest.DST));
    private final MemorySegment segments =
            MemorySegment.ofArray(Octets.hex(TlvReflectorTest.SEG1 + TlvReflectorTest.SEG2));
    private final SrhView srhView = new SrhView();
    private long checksum;

    /** One packet's work on both sides; returns something derived from it so nothing is optimised away. */
    private long onePacket(int seq) {
        // Session-Sender
        int at = layout.baseLength;
        at = SenderTlvWriter.location(request, at);
        at = SenderTlvWriter.timestampInformation(request, at);
        at = SenderTlvWriter.classOfService(request, at, 10, 0);
        at = SenderTlvWriter.directMeasurement(request, at, seq);
        at = SenderTlvWriter.followUpTelemetry(request, at);
        at = SenderTlvWriter.destinationNodeAddress(request, at, destination, 0);
        at = SenderTlvWriter.returnPath(request, at, -1, null, 0, segments, 0, 2);
        at = SenderTlvWriter.extraPadding(request, at, 64);
        long t1 = Timestamps.toNtp(1_700_000_000_000_000_000L + seq);
        layout.writeSender(request, seq, t1, (short) 0x8001, 1);
        int length = SenderTlvWriter.hmac(request, at, layout.baseLength, senderKey);
        senderKey.sign(request);

        // Session-Reflector
        MemorySegment.copy(request, 0, reply, 0, length);
        if (!reflectorKey.verify(reply)) {
            return -1;
        }
        layout.reflectInPlace(reply, seq, t1 + 1, (short) 0x8001, 64);
        ctx.hmac = reflectorKey;
        reflector.process(reply, layout.baseLength, length, ctx);
        int srhLength = Srh.write(srh, 0, UdpChecksum.NEXT_HEADER_UDP, reply, ctx.returnSegmentsOffset,
                ctx.returnSegmentsCount);
        layout.timestamp(reply, t1 + 2);
        reflectorKey.sign(reply);
        int udp = UdpChecksum.compute(ctx.destinationAddress, 0, reply, ctx.returnSegmentsOffset + 16, reply, 0,
                length);

        // Session-Sender reading the reply
        boolean ok = senderKey.verify(reply)
                && senderKey.verifyTlv(reply, 0, layout.baseLength, length - Tlv.HEADER_LENGTH - StampHmac.LENGTH)
                && srhView.parse(srh, 0, srhLength);
        int cos = Tlv.find(reply, layout.baseLength, length, Tlv.TYPE_CLASS_OF_SERVICE);
        int location = Tlv.find(reply, layout.baseLength, length, Tlv.TYPE_LOCATION);
        return (ok ? 1 : 0) + ClassOfServiceTlv.dscp2(reply, cos) + LocationTlv.sourcePort(reply, location)
                + LocationTlv.ipv6Address(reply, location, LocationTlv.SUB_SOURCE_IPV6) + udp
                + Timestamps.fromNtp(layout.senderTimestamp(reply)) + ctx.replyDscp;
    }

    @Test
    void thePacketPathAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count allocated bytes per thread");
        // the work must be real: HMACs verify, the CoS TLV was answered, the SRH parses
        long first = onePacket(0);
        assertTrue(first > 0);
        assertEquals(46, ClassOfServiceTlv.dscp2(reply, Tlv.find(reply, 112, 1024, Tlv.TYPE_CLASS_OF_SERVICE)));
        assertEquals(2, ctx.returnSegmentsCount);
        assertTrue(!ctx.integrityFailed && !ctx.malformed);

        for (int i = 0; i < 3 * ITERATIONS; i++) { // warm-up: let the JIT compile the path
            checksum += onePacket(i);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < ITERATIONS; i++) {
            checksum += onePacket(i);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(checksum != 0);
        assertTrue(allocated <= SLACK_BYTES, allocated + " bytes allocated over " + ITERATIONS + " packets ("
                + (double) allocated / ITERATIONS + " per packet)");
        assertEquals(0, reply.get(ValueLayout.JAVA_BYTE, 0) & 0); // keeps 'reply' observable
    }
}
