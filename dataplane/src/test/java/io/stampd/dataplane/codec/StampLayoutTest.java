package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors for the base packets of RFC 8762 §4.2/§4.3. Expected octets are written from the
 * RFC's figures by hand, offset by offset; the buffers start full of 0xEE so that every MBZ octet
 * the code forgets to clear shows up.
 */
class StampLayoutTest {
    private static final int SEQ = 0x01020304;
    private static final long T1 = 0x83AA7E80_80000000L;       // 1970-01-01T00:00:00.5Z in NTP
    private static final short SENDER_EE = (short) 0x8001;     // S=1 Z=0 scale 0 multiplier 1
    private static final int SSID = 0xBEEF;
    private static final int REFLECTOR_SEQ = 0x0A0B0C0D;
    private static final long T2 = 0x83AA7E81_00000001L;
    private static final short REFLECTOR_EE = (short) 0x4102; // S=0 Z=1 scale 1 multiplier 2
    private static final long T3 = 0x83AA7E81_00000100L;

    @Test
    void unauthenticatedSenderPacket() {
        MemorySegment p = Octets.filled(44, 0xEE);
        StampLayout.UNAUTHENTICATED.writeSender(p, SEQ, T1, SENDER_EE, SSID);
        byte[] expected = new byte[44];
        Octets.put(expected, 0, "01 02 03 04");               // Sequence Number
        Octets.put(expected, 4, "83 aa 7e 80 80 00 00 00");   // Timestamp
        Octets.put(expected, 12, "80 01");                    // Error Estimate
        Octets.put(expected, 14, "be ef");                    // SSID, 16..43 MBZ
        assertArrayEquals(expected, p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), Octets.dump(p, 0, 44));
    }

    @Test
    void unauthenticatedReflectorPacket() {
        MemorySegment p = Octets.filled(44, 0xEE);
        StampLayout.UNAUTHENTICATED.writeSender(p, SEQ, T1, SENDER_EE, SSID);
        StampLayout.UNAUTHENTICATED.reflectInPlace(p, REFLECTOR_SEQ, T2, REFLECTOR_EE, 64);
        StampLayout.UNAUTHENTICATED.timestamp(p, T3);
        byte[] expected = new byte[44];
        Octets.put(expected, 0, "0a 0b 0c 0d");               // Sequence Number (reflector's)
        Octets.put(expected, 4, "83 aa 7e 81 00 00 01 00");   // Timestamp T3
        Octets.put(expected, 12, "41 02");                    // Error Estimate
        Octets.put(expected, 14, "be ef");                    // SSID
        Octets.put(expected, 16, "83 aa 7e 81 00 00 00 01");  // Receive Timestamp T2
        Octets.put(expected, 24, "01 02 03 04");              // Session-Sender Sequence Number
        Octets.put(expected, 28, "83 aa 7e 80 80 00 00 00");  // Session-Sender Timestamp
        Octets.put(expected, 36, "80 01");                    // Session-Sender Error Estimate, 38-39 MBZ
        Octets.put(expected, 40, "40");                       // Session-Sender TTL, 41-43 MBZ
        assertArrayEquals(expected, p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), Octets.dump(p, 0, 44));
        assertEquals(REFLECTOR_SEQ, StampLayout.UNAUTHENTICATED.seq(p));
        assertEquals(SEQ, StampLayout.UNAUTHENTICATED.senderSeq(p));
        assertEquals(T1, StampLayout.UNAUTHENTICATED.senderTimestamp(p));
        assertEquals(T2, StampLayout.UNAUTHENTICATED.receiveTimestamp(p));
        assertEquals(SENDER_EE, StampLayout.UNAUTHENTICATED.senderErrorEstimate(p));
        assertEquals(64, StampLayout.UNAUTHENTICATED.senderTtl(p));
        assertEquals(SSID, StampLayout.UNAUTHENTICATED.ssid(p));
    }

    @Test
    void authenticatedSenderPacket() {
        MemorySegment p = Octets.filled(112, 0xEE);
        StampLayout.AUTHENTICATED.writeSender(p, SEQ, T1, SENDER_EE, SSID);
        byte[] expected = new byte[112];
        Octets.put(expected, 0, "01 02 03 04");               // Sequence Number, 4..15 MBZ
        Octets.put(expected, 16, "83 aa 7e 80 80 00 00 00");  // Timestamp
        Octets.put(expected, 24, "80 01");                    // Error Estimate
        Octets.put(expected, 26, "be ef");                    // SSID, 28..95 MBZ, 96..111 HMAC (unsigned)
        assertArrayEquals(expected, p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), Octets.dump(p, 0, 112));
    }

    @Test
    void authenticatedReflectorPacket() {
        MemorySegment p = Octets.filled(112, 0xEE);
        StampLayout.AUTHENTICATED.writeSender(p, SEQ, T1, SENDER_EE, SSID);
        StampLayout.AUTHENTICATED.reflectInPlace(p, REFLECTOR_SEQ, T2, REFLECTOR_EE, 255);
        StampLayout.AUTHENTICATED.timestamp(p, T3);
        byte[] expected = new byte[112];
        Octets.put(expected, 0, "0a 0b 0c 0d");               // Sequence Number, 4..15 MBZ
        Octets.put(expected, 16, "83 aa 7e 81 00 00 01 00");  // Timestamp T3
        Octets.put(expected, 24, "41 02");                    // Error Estimate
        Octets.put(expected, 26, "be ef");                    // SSID, 28..31 MBZ
        Octets.put(expected, 32, "83 aa 7e 81 00 00 00 01");  // Receive Timestamp, 40..47 MBZ
        Octets.put(expected, 48, "01 02 03 04");              // Session-Sender Sequence Number, 52..63 MBZ
        Octets.put(expected, 64, "83 aa 7e 80 80 00 00 00");  // Session-Sender Timestamp
        Octets.put(expected, 72, "80 01");                    // Session-Sender Error Estimate, 74..79 MBZ
        Octets.put(expected, 80, "ff");                       // Session-Sender TTL, 81..95 MBZ, HMAC zero
        assertArrayEquals(expected, p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), Octets.dump(p, 0, 112));
        assertEquals(255, StampLayout.AUTHENTICATED.senderTtl(p));
        assertEquals(SEQ, StampLayout.AUTHENTICATED.senderSeq(p));
    }

    @Test
    void reflectLeavesTheTlvAreaAlone() {
        MemorySegment p = Octets.filled(60, 0xEE);
        StampLayout.UNAUTHENTICATED.writeSender(p, SEQ, T1, SENDER_EE, SSID);
        StampLayout.UNAUTHENTICATED.reflectInPlace(p, REFLECTOR_SEQ, T2, REFLECTOR_EE, 1);
        for (int i = 44; i < 60; i++) {
            assertEquals((byte) 0xEE, p.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i), "octet " + i);
        }
    }

    @Test
    void modeSelection() {
        assertEquals(StampLayout.AUTHENTICATED, StampLayout.of(true));
        assertEquals(StampLayout.UNAUTHENTICATED, StampLayout.of(false));
        assertEquals(96, StampLayout.AUTHENTICATED.hmac);
        assertEquals(-1, StampLayout.UNAUTHENTICATED.hmac);
    }
}
