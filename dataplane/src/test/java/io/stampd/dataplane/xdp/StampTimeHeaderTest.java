package io.stampd.dataplane.xdp;

import io.stampd.dataplane.codec.Timestamps;

import io.stampd.sys.CStructCheck;
import io.stampd.sys.TestMachine;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The programs' timestamp conversions (ebpf/stamp_time.h, inlined into both programs) against the
 * codec's (Timestamps.toNtp / toPtp): the header is compiled with the host compiler and run on
 * the nanosecond values where rounding and wrapping can go wrong (second boundaries, the half
 * fraction unit, the 2036 NTP era, 2106) and on random ones. The reflector tests see these
 * conversions only at the current time; this covers the rest of the range.
 */
class StampTimeHeaderTest {
    @Test
    void ntpAndPtpAsTheCodecMakesThem() {
        List<Long> values = new ArrayList<>();
        long era1 = ((1L << 32) - Timestamps.NTP_UNIX_OFFSET_S) * 1_000_000_000L; // 2036-02-07
        for (long second : new long[] {0, 1, 1_700_000_000L, era1 / 1_000_000_000L, (1L << 32) - 38, (1L << 32) - 1}) {
            for (long ns : new long[] {0, 1, 116, 117, 232, 233, 499_999_999, 500_000_000, 999_999_883, 999_999_884,
                999_999_999}) {
                values.add(second * 1_000_000_000L + ns);
            }
        }
        values.add(era1 - 1);
        values.add(era1);
        SplittableRandom random = new SplittableRandom(8762);
        for (int i = 0; i < 2000; i++) {
            values.add(random.nextLong(0, 4_000_000_000L * 1_000_000_000L));
        }
        StringBuilder c = new StringBuilder("  static const unsigned long long in[] = {\n");
        for (long v : values) {
            c.append("    ").append(v).append("ULL,\n");
        }
        c.append("  };\n  for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++)\n");
        // UTC from TAI with a 37 s offset, to check stamp_utc_ns on the way.
        c.append("    printf(\"%llu %llu %llu\\n\", (unsigned long long)stamp_ntp(in[i]),\n");
        c.append("           (unsigned long long)stamp_ptp(in[i]),\n");
        c.append("           (unsigned long long)stamp_utc_ns(in[i] + 37000000000ULL, 37000000000LL));\n");
        c.append("  return 0;\n");
        String[] lines = CStructCheck.including("\"stamp_time.h\"").includeDir(TestMachine.projectRoot().resolve("ebpf"))
                .runProgram(c.toString()).split("\n");
        assertEquals(values.size(), lines.length);
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            String[] w = lines[i].trim().split(" ");
            assertEquals(Long.toUnsignedString(Timestamps.toNtp(v)), w[0], "NTP of " + v + " ns");
            assertEquals(Long.toUnsignedString(Timestamps.toPtp(v)), w[1], "PTP of " + v + " ns");
            assertEquals(Long.toUnsignedString(v), w[2], "UTC of TAI " + v + " + 37 s");
        }
    }
}
