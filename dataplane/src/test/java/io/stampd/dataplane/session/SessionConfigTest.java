package io.stampd.dataplane.session;

import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionConfigTest {
    private static Inet6Address a(String s) {
        return Ipv6Addresses.parse(s, "test");
    }

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void validSenderGetsDefaults() {
        SenderSessionConfig c = SenderSessionConfig.builder().reflectorAddress(a("fd00::1")).build();
        assertEquals(862, c.reflectorPort());
        assertEquals(44, c.packetLength());
        assertEquals(3, c.percentiles().length);
    }

    @Test
    void invalidSenderFieldsAreNamed() {
        var b = SenderSessionConfig.builder().reflectorAddress(a("fd00::1"));
        assertTrue(error(() -> b.reflectorPort(80).build()).startsWith("reflector port 80"));
        b.reflectorPort(862);
        assertTrue(error(() -> b.ssid(70000).build()).startsWith("ssid 70000"));
        b.ssid(1);
        assertTrue(error(() -> b.intervalNanos(999_999).build()).startsWith("interval"));
        b.intervalNanos(1_000_000);
        assertTrue(error(() -> b.packetLength(46).build()).contains("at least 4 (a TLV header)"));
        b.packetLength(0);
        assertTrue(error(() -> b.forwardSegments(List.of(a("fd00::2"))).build()).contains("must end at the reflector"));
        b.forwardSegments(List.of());
        assertTrue(error(() -> b.hmacKey(new byte[0]).build()).startsWith("HMAC key"));
        b.hmacKey(new byte[] {1});
        assertEquals(112, b.build().packetLength());
        assertTrue(error(() -> b.packetLength(112 + 10).build()).contains("HMAC TLV"));
        assertEquals(132, b.packetLength(132).build().packetLength());
        assertTrue(error(() -> b.packetLength(134).build()).contains("padding and HMAC TLV"));
        b.packetLength(0);
        assertTrue(error(() -> b.percentiles(new double[] {50, 100, 1}).build()).startsWith("percentile 100"));
    }

    @Test
    void followUpTelemetryMakesRoomForItsTlvAndRefusesLengthsWithout() {
        var b = SenderSessionConfig.builder().reflectorAddress(a("fd00::1")).followUpTelemetry(true);
        assertEquals(44 + 20, b.build().packetLength(), "base packet and the Follow-Up Telemetry TLV");
        assertEquals(44 + 20 + 4, b.packetLength(68).build().packetLength(), "with the shortest padding");
        assertTrue(error(() -> b.packetLength(60).build()).contains("no room for the Follow-Up Telemetry TLV"));
        assertTrue(error(() -> b.packetLength(66).build()).contains("at least 68 with padding"));
        b.packetLength(0).hmacKey(new byte[] {1});
        assertEquals(112 + 20 + 20, b.build().packetLength(), "and the HMAC TLV last");
        assertTrue(error(() -> b.packetLength(132).build()).contains("(with the HMAC TLV)"));
    }

    @Test
    void segmentListsNameTheBadElement() {
        assertTrue(error(() -> Ipv6Addresses.parseSegments("fd00::1,,fd00::2", "--segments"))
                .contains("segment 2 is empty"));
        assertTrue(error(() -> Ipv6Addresses.parseSegments("fd00::1,10.0.0.1", "--segments"))
                .contains("segment 2"));
        assertTrue(error(() -> Ipv6Addresses.parseSegments("fd00::1,ff02::1", "--segments"))
                .contains("multicast"));
        assertTrue(error(() -> Ipv6Addresses.parseSegments("fd00::1,zz::1", "--segments"))
                .contains("'zz::1' is not an IPv6 address"));
        assertEquals(2, Ipv6Addresses.parseSegments("fd00::1, fd00::2", "--segments").size());
    }

    @Test
    void addressesAreFormattedPerRfc5952() {
        assertEquals("fd00:23::3", Ipv6Addresses.format(a("fd00:23:0:0:0:0:0:3")));
        assertEquals("::1", Ipv6Addresses.format(a("::1")));
        assertEquals("2001:db8::1:0:0:1", Ipv6Addresses.format(a("2001:db8:0:0:1:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", Ipv6Addresses.format(a("2001:db8:0:1:1:1:1:1")));
    }

    @Test
    void reflectorSessionsOverlapOnlyWhenAPacketCouldMatchBoth() {
        var x = new ReflectorSessionConfig(1, 5, null, 0, null, 862, List.of(), null, false, null);
        var y = new ReflectorSessionConfig(2, 6, null, 0, null, 862, List.of(), null, false, null);
        var any = new ReflectorSessionConfig(3, ReflectorSessionConfig.ANY_SSID, null, 0, null, 862, List.of(), null, false, null);
        var other = new ReflectorSessionConfig(4, 5, null, 0, null, 863 + 1000, List.of(), null, false, null);
        assertTrue(!x.overlaps(y));
        assertTrue(x.overlaps(any));
        assertTrue(!x.overlaps(other));
        assertTrue(error(() -> new ReflectorSessionConfig(1, 5, a("fd00::1"), 0, null, 862,
                List.of(a("fd00::9")), null, false, null)).contains("must end at the sender"));
    }
}
