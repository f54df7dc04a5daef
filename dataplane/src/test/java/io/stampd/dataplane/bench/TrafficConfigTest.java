package io.stampd.dataplane.bench;

import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation and defaults of {@link TrafficConfig}, and the STAMP selection rule; needs no privileges. */
class TrafficConfigTest {
    private static final byte[] MAC = {2, 0, 0, 0, 0, 1};

    private static Inet6Address addr(String text) {
        return (Inet6Address) InetAddress.ofLiteral(text);
    }

    private static TrafficConfig.Builder valid() {
        return TrafficConfig.builder().device("gen0").destinationMac(MAC).source(addr("fd00:7a::1"))
                .dataDestination(addr("fd00:7a::2"));
    }

    private static void rejected(TrafficConfig.Builder b, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
    }

    @Test
    void defaultsAreThePapersFrames() {
        TrafficConfig c = valid().build();
        assertEquals(106, c.frameLength());
        assertEquals(1, c.flows());
        assertEquals(0, c.stampPpm());
        assertEquals(862, c.stampPort());
        assertEquals(10_862, c.stampSourcePort());
        assertEquals(862, valid().stampKind(StampKind.REFLECTOR).build().stampSourcePort());
        assertEquals(106, c.templateLength());
    }

    @Test
    void templateHoldsTheLargerOfDataAndStampFrames() {
        TrafficConfig shortData = valid().frameLength(64).stampDestination(addr("fd00:7a::3")).stampPercent(1).build();
        assertEquals(106, shortData.templateLength());
        assertEquals(64, valid().frameLength(64).build().templateLength());
        assertEquals(1514, valid().frameLength(1514).stampDestination(addr("fd00:7a::3")).stampPercent(1).build()
                .templateLength());
    }

    @Test
    void outOfRangeFieldsAreRejectedByName() {
        rejected(valid().frameLength(61), "frame length");
        rejected(valid().frameLength(1515), "frame length");
        rejected(valid().stampPpm(1_000_001), "STAMP share");
        rejected(valid().stampPpm(-1), "STAMP share");
        rejected(valid().stampPercent(1), "STAMP destination");
        rejected(valid().flows(0), "flows");
        rejected(valid().dataSourcePort(65_000).flows(537), "flows");
        rejected(valid().dataPort(0), "data port");
        rejected(valid().stampSourcePort(70_000), "STAMP source port");
        rejected(valid().ssid(65_536), "ssid");
        rejected(valid().hopLimit(0), "hop limit");
        rejected(valid().batchSize(257), "batch size");
        rejected(valid().destinationMac(new byte[5]), "destination MAC");
        rejected(valid().device("a-name-too-long-x"), "device");
        assertThrows(IllegalArgumentException.class, () -> TrafficConfig.ppmOfPercent(100.5));
        assertEquals(535, valid().dataSourcePort(65_001).flows(535).build().flows());
    }

    @Test
    void percentBecomesPartsPerMillion() {
        assertEquals(10_000, TrafficConfig.ppmOfPercent(1));
        assertEquals(5_000, TrafficConfig.ppmOfPercent(0.5));
        assertEquals(1, TrafficConfig.ppmOfPercent(0.0001));
        assertEquals(1_000_000, TrafficConfig.ppmOfPercent(100));
    }

    @Test
    void stampShareIsExactOverAnyWindow() {
        for (int ppm : new int[] {0, 1, 3_333, 5_000, 10_000, 333_333, 500_000, 999_999, 1_000_000}) {
            long limit = 20_000;
            long[] prefix = new long[(int) limit + 1];
            for (int i = 0; i < limit; i++) {
                prefix[i + 1] = prefix[i] + (TrafficConfig.isStampFrame(i, ppm) ? 1 : 0);
            }
            assertEquals(TrafficConfig.stampFramesIn(limit, ppm), prefix[(int) limit], "ppm " + ppm);
            for (int window : new int[] {1, 7, 100, 3_000}) {
                double expected = (double) window * ppm / TrafficConfig.PPM;
                for (int start = 0; start + window <= limit; start += 97) {
                    long got = prefix[start + window] - prefix[start];
                    assertTrue(got >= Math.floor(expected) && got <= Math.ceil(expected),
                            "ppm " + ppm + ", window " + window + " at " + start + ": " + got + " STAMP frames");
                }
            }
        }
        assertEquals(1_000, TrafficConfig.stampFramesIn(100_000, 10_000));
        assertTrue(TrafficConfig.isStampFrame(99, 10_000));
        assertTrue(!TrafficConfig.isStampFrame(0, 10_000));
    }

    @Test
    void batchSizeFollowsTheRate() {
        assertEquals(16, TrafficGenerator.batchSize(0, 0));
        assertEquals(1, TrafficGenerator.batchSize(0, 1_000));
        assertEquals(4, TrafficGenerator.batchSize(0, 200_000));
        assertEquals(16, TrafficGenerator.batchSize(0, 2_000_000));
        assertEquals(32, TrafficGenerator.batchSize(32, 1_000));
    }

    @Test
    void tcBurstFollowsTheRate() {
        assertEquals(TrafficGenerator.TC_UNPACED_BURST, TrafficGenerator.burstSize(0, 0));
        assertEquals(1, TrafficGenerator.burstSize(0, 1_000));
        assertEquals(20, TrafficGenerator.burstSize(0, 200_000));
        assertEquals(100, TrafficGenerator.burstSize(0, 1_000_000));
        assertEquals(TrafficGenerator.TC_PACED_BURST_MAX, TrafficGenerator.burstSize(0, 100_000_000));
        assertEquals(200, TrafficGenerator.burstSize(200, 1_000));
    }

    @Test
    void sendMethodParsesItsLabels() {
        assertEquals(SendMethod.LIVE_FRAMES, SendMethod.parse("live-frames"));
        assertEquals(SendMethod.LIVE_FRAMES, SendMethod.parse("LIVE"));
        assertEquals(SendMethod.TC_CLONE, SendMethod.parse(" tc-clone "));
        assertEquals(SendMethod.TC_CLONE, SendMethod.parse("tc"));
        assertEquals("tc-clone", SendMethod.TC_CLONE.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SendMethod.parse("xdp"));
        assertTrue(e.getMessage().contains("'xdp'"), e.getMessage());
    }
}
