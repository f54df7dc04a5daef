package io.stampd.dataplane.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target: the base packet codec, both packet kinds (Session-Sender test packet and its
 * reflected reply) in both modes. parse(build(x)) == x for every field; building over garbage
 * gives the same octets as building over zeros (every MBZ octet is zeroed); the reply keeps every
 * sender field; timestamps survive encode/decode in both formats; decoding any wire value is
 * defined. {@code tools/fuzz} runs it long; the build replays its committed corpus.
 */
class StampPacketFuzzer {
    private static final long NANOS_2036 = 2_085_978_496L * 1_000_000_000L;

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        StampLayout l = StampLayout.of(d.consumeBoolean());
        int seq = d.consumeInt();
        long t1 = d.consumeLong();
        short ee = d.consumeShort();
        int ssid = d.consumeInt(0, 0xFFFF);
        byte[] garbage = d.consumeBytes(l.baseLength);
        byte[] octets = new byte[l.baseLength];
        System.arraycopy(garbage, 0, octets, 0, garbage.length);
        MemorySegment p = MemorySegment.ofArray(octets);
        l.writeSender(p, seq, t1, ee, ssid);
        assertEquals(seq, l.seq(p));
        assertEquals(t1, l.timestamp(p));
        assertEquals(ee, l.errorEstimate(p));
        assertEquals(ssid, l.ssid(p));
        byte[] clean = new byte[l.baseLength];
        l.writeSender(MemorySegment.ofArray(clean), seq, t1, ee, ssid);
        assertArrayEquals(clean, octets, "every octet but the fields is zero, whatever was there");

        int reflectorSeq = d.consumeInt();
        long t2 = d.consumeLong();
        long t3 = d.consumeLong();
        short reflectorEe = d.consumeShort();
        int ttl = d.consumeInt(0, 255);
        l.reflectInPlace(p, reflectorSeq, t2, reflectorEe, ttl);
        l.timestamp(p, t3);
        assertEquals(reflectorSeq, l.seq(p));
        assertEquals(t3, l.timestamp(p));
        assertEquals(reflectorEe, l.errorEstimate(p));
        assertEquals(ssid, l.ssid(p), "the SSID is echoed");
        assertEquals(t2, l.receiveTimestamp(p));
        assertEquals(seq, l.senderSeq(p));
        assertEquals(t1, l.senderTimestamp(p));
        assertEquals(ee, l.senderErrorEstimate(p));
        assertEquals(ttl, l.senderTtl(p));

        // Timestamps: any instant of the NTP era 0 and the first PTP era round-trips (NTP within
        // its 2^-32 s resolution, PTP exactly); any wire value decodes without failing.
        long unix = d.consumeLong(0, NANOS_2036 - 1);
        long ntp = Timestamps.decode(Timestamps.encode(unix, TimestampFormat.NTP), TimestampFormat.NTP, unix);
        assertTrue(Math.abs(ntp - unix) <= 1, "NTP " + unix + " came back as " + ntp);
        assertEquals(unix, Timestamps.decode(Timestamps.encode(unix, TimestampFormat.PTP), TimestampFormat.PTP, unix));
        long wire = d.consumeLong();
        Timestamps.decode(wire, TimestampFormat.NTP);
        if (Timestamps.isValidPtp(wire)) {
            Timestamps.decode(wire, TimestampFormat.PTP);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void packet(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
