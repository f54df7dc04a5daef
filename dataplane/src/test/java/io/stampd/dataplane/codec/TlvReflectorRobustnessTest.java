package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hostile input for the Session-Reflector: a request carrying every TLV type cut at every octet
 * (so at every field boundary of every TLV), with and without an HMAC key, and random TLV areas.
 * The processor must flag what is wrong, never throw, never touch the base packet and never write
 * at or past the reply length.
 */
class TlvReflectorRobustnessTest {
    private static final int BASE = 44;
    private static final int GUARD = 32;

    private final TlvReflector reflector = new TlvReflector();
    private final ReflectContext ctx = TlvReflectorTest.context();

    /** A request with one TLV of every type (HMAC last if a key is given); fills starts/ends. */
    private static MemorySegment everyTlv(StampHmac key, List<Integer> starts, List<Integer> ends) {
        MemorySegment p = MemorySegment.ofArray(new byte[600]);
        StampLayout.UNAUTHENTICATED.writeSender(p, 9, 0x83AA7E80_00000000L, (short) 0x8001, 7);
        MemorySegment dst = MemorySegment.ofArray(Octets.hex(TlvReflectorTest.DST));
        MemorySegment segs = MemorySegment.ofArray(Octets.hex(TlvReflectorTest.SEG1 + TlvReflectorTest.SEG2));
        int at = BASE;
        starts.add(at);
        at = SenderTlvWriter.extraPadding(p, at, 9);
        ends.add(at);
        starts.add(at);
        at = SenderTlvWriter.location(p, at);
        ends.add(at);
        starts.add(at);
        at = SenderTlvWriter.timestampInformation(p, at);
        ends.add(at);
        starts.add(at);
        at = SenderTlvWriter.classOfService(p, at, 10, 0);
        ends.add(at);
        starts.add(at);
        at = SenderTlvWriter.directMeasurement(p, at, 1234);
        ends.add(at);
        starts.add(at);
        at = SenderTlvWriter.accessReport(p, at, 1, 1);
        ends.add(at);
        starts.add(at);
        at = SenderTlvWriter.followUpTelemetry(p, at);
        ends.add(at);
        starts.add(at);
        at = SenderTlvWriter.destinationNodeAddress(p, at, dst, 0);
        ends.add(at);
        starts.add(at);
        at = SenderTlvWriter.returnPath(p, at, 1, null, 0, segs, 0, 2);
        ends.add(at);
        if (key != null) {
            starts.add(at);
            at = SenderTlvWriter.hmac(p, at, BASE, key);
            ends.add(at);
        }
        return p;
    }

    /** Copies the first {@code length} octets of a request into a fresh guarded buffer and reflects it. */
    private MemorySegment reflectPrefix(MemorySegment request, int length) {
        MemorySegment p = Octets.filled(length + GUARD, 0xA5);
        MemorySegment.copy(request, 0, p, 0, length);
        StampLayout.UNAUTHENTICATED.reflectInPlace(p, 9, 0x83AA7E81_00000000L, (short) 0x8001, 64);
        byte[] base = Octets.toArray(p, 0, BASE);
        reflector.process(p, BASE, length, ctx);
        assertArrayEquals(base, Octets.toArray(p, 0, BASE), "the base packet was modified");
        TlvReflectorTest.assertGuard(p, length);
        return p;
    }

    private static int flags(MemorySegment p, int at) {
        return Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, at));
    }

    @Test
    void everyTruncationOfEveryTlvWithoutKey() {
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        MemorySegment request = everyTlv(null, starts, ends);
        int full = ends.getLast();
        for (int length = BASE; length <= full; length++) {
            MemorySegment p = reflectPrefix(request, length);
            int cut = -1;
            for (int k = 0; k < starts.size(); k++) {
                if (starts.get(k) < length && length < ends.get(k)) {
                    cut = k;
                }
            }
            for (int k = 0; k < starts.size() && ends.get(k) <= length; k++) {
                assertEquals(0, flags(p, starts.get(k)), "TLV " + k + " fully present at length " + length);
            }
            if (cut < 0) {
                assertFalse(ctx.malformed, "cut at a TLV boundary, length " + length);
            } else {
                assertTrue(ctx.malformed, "length " + length);
                assertEquals(starts.get(cut), ctx.malformedOffset, "length " + length);
                assertEquals(Tlv.FLAG_M, flags(p, starts.get(cut)), "length " + length);
            }
        }
        // the complete request made every decision
        assertEquals(10, ctx.replyDscp);
        assertTrue(ctx.replyOnSameLink);
        assertEquals(2, ctx.returnSegmentsCount);
        assertTrue(ctx.replySourceOffset > 0);
    }

    @Test
    void everyTruncationWithKeyFailsIntegrity() {
        StampHmac key = new StampHmac(TlvReflectorTest.KEY);
        ctx.hmac = key;
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        MemorySegment request = everyTlv(key, starts, ends);
        int full = ends.getLast();
        for (int length = BASE + 1; length < full; length++) {
            MemorySegment p = reflectPrefix(request, length);
            assertTrue(ctx.integrityFailed, "length " + length);
            assertEquals(-1, ctx.replyDscp, "nothing acted on, length " + length);
            assertFalse(ctx.replyOnSameLink);
            for (int k = 0; k < starts.size(); k++) {
                int s = starts.get(k);
                if (ends.get(k) <= length) {
                    assertEquals(Tlv.FLAG_U | Tlv.FLAG_I, flags(p, s), "TLV " + k + ", length " + length);
                } else if (s < length) {
                    assertEquals(Tlv.FLAG_M | Tlv.FLAG_I, flags(p, s), "cut TLV " + k + ", length " + length);
                    assertTrue(ctx.malformed);
                }
            }
        }
        MemorySegment p = reflectPrefix(request, full);
        assertFalse(ctx.integrityFailed);
        for (int s : starts) {
            assertEquals(0, flags(p, s));
        }
        assertTrue(key.verifyTlv(p, 0, BASE, starts.getLast()), "reply HMAC recomputed");
    }

    @Test
    void randomTlvAreasNeverBreakTheProcessor() {
        SplittableRandom r = new SplittableRandom(8972);
        StampHmac key = new StampHmac(TlvReflectorTest.KEY);
        int[] types = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 240, 255};
        int[] plausibleLengths = {0, 4, 0, 4, 4, 12, 4, 16, 16, 16, 8, 3};
        int authentic = 0;
        int malformed = 0;
        int clean = 0;
        for (int iteration = 0; iteration < 200_000; iteration++) {
            byte[] buffer = new byte[200];
            r.nextBytes(buffer);
            MemorySegment a = MemorySegment.ofArray(buffer);
            // lay plausible TLV (and sub-TLV) headers over the random octets most of the time
            int at = 0;
            while (r.nextInt(5) != 0) {
                int type = types[r.nextInt(types.length)];
                int len = r.nextInt(3) == 0 ? r.nextInt(0, 48)
                        : type < plausibleLengths.length ? plausibleLengths[type] + r.nextInt(-1, 2) : 4;
                len = Math.max(0, len);
                if (at + 4 + len > buffer.length) {
                    break;
                }
                a.set(ValueLayout.JAVA_BYTE, at, (byte) (r.nextBoolean() ? 0x80 : r.nextInt(256)));
                a.set(ValueLayout.JAVA_BYTE, at + 1, (byte) type);
                a.set(StampLayout.U16, at + 2, (short) len);
                if ((type == 2 || type == 10) && len >= 8) {
                    int sub = at + (type == 2 ? 8 : 4);
                    a.set(ValueLayout.JAVA_BYTE, sub + 1, (byte) r.nextInt(0, 10));
                    a.set(StampLayout.U16, sub + 2, (short) r.nextInt(0, 40));
                }
                at += 4 + len;
            }
            // mostly end right after the last TLV; sometimes anywhere
            byte[] area = java.util.Arrays.copyOf(buffer, r.nextInt(3) != 0 ? at : r.nextInt(0, buffer.length));
            int length = BASE + area.length;
            MemorySegment p = Octets.filled(length + 28 + GUARD, 0xA5);
            StampLayout.UNAUTHENTICATED.writeSender(p, r.nextInt(), 0L, (short) 0x8001, 0);
            MemorySegment.copy(area, 0, p, ValueLayout.JAVA_BYTE, BASE, area.length);
            ctx.hmac = r.nextBoolean() ? key : null;
            if (ctx.hmac != null && r.nextBoolean() && Tlv.find(p, BASE, length, Tlv.TYPE_HMAC) < 0
                    && new TlvCursor().reset(p, BASE, length).next()) {
                // make it authentic so that the keyed path goes past verification too
                boolean wellFramed = true;
                TlvCursor c = new TlvCursor().reset(p, BASE, length);
                while (c.next()) {
                    wellFramed &= c.type() != Tlv.TYPE_HMAC;
                }
                if (wellFramed && !c.malformed()) {
                    length = SenderTlvWriter.hmac(p, length, BASE, key);
                }
            }
            ctx.stateful = r.nextBoolean();
            ctx.dscp1Allowed = r.nextBoolean();
            ctx.ecn1Allowed = r.nextBoolean();
            StampLayout.UNAUTHENTICATED.reflectInPlace(p, 1, 2L, (short) 0x8001, 64);
            byte[] base = Octets.toArray(p, 0, BASE);
            for (long i = length; i < p.byteSize(); i++) {
                p.set(ValueLayout.JAVA_BYTE, i, (byte) 0xA5);
            }
            reflector.process(p, BASE, length, ctx);
            assertArrayEquals(base, Octets.toArray(p, 0, BASE));
            TlvReflectorTest.assertGuard(p, length);
            assertInside(ctx.returnAddressOffset, 16, length);
            assertInside(ctx.returnSegmentsOffset, 16 * ctx.returnSegmentsCount, length);
            assertInside(ctx.replySourceOffset, 16, length);
            assertTrue(ctx.replyEcn >= -1 && ctx.replyEcn <= 3 && ctx.replyDscp >= -1 && ctx.replyDscp <= 63,
                    "reply DSCP " + ctx.replyDscp + ", ECN " + ctx.replyEcn);
            if (!ctx.ecn1Allowed) {
                assertTrue(ctx.replyEcn <= 0, "an ECN refused by policy leaves the reply Not-ECT");
            }
            if (ctx.returnSegmentsCount > 0) {
                for (int i = 0; i < ctx.returnSegmentsCount; i++) {
                    assertTrue(Ipv6Octets.isUsableUnicast(p, ctx.returnSegmentsOffset + 16L * i));
                }
            }
            authentic += ctx.hmac != null && !ctx.integrityFailed && length > BASE ? 1 : 0;
            malformed += ctx.malformed ? 1 : 0;
            if (!ctx.malformed && !ctx.integrityFailed) {
                clean++;
                TlvCursor c = new TlvCursor().reset(p, BASE, length);
                while (c.next()) {
                    assertTrue(c.flags() == 0 || c.flags() == Tlv.FLAG_U, "flags of a processed TLV");
                }
            }
        }
        // the generator must reach every path: authentic keyed packets, malformed ones, clean ones
        assertTrue(authentic > 1000 && malformed > 10_000 && clean > 10_000,
                "authentic " + authentic + ", malformed " + malformed + ", clean " + clean);
    }

    private static void assertInside(int offset, int octets, int length) {
        if (offset >= 0) {
            assertTrue(offset >= BASE && offset + octets <= length, "output offset " + offset + " outside the TLVs");
        }
    }
}
