package io.stampd.dataplane.xdp;

import io.stampd.dataplane.codec.Timestamps;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

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
    void ntpAndPtpAsTheCodecMakesThem(@TempDir Path dir) throws Exception {
        Path compiler = XdpTestEnv.findCommand("gcc") != null ? XdpTestEnv.findCommand("gcc") : XdpTestEnv.findCommand("cc");
        if (compiler == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("no C compiler (gcc, cc) to run stamp_time.h");
            }
            Assumptions.abort("no C compiler (gcc, cc) to run stamp_time.h");
        }
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
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include \"stamp_time.h\"\n");
        c.append("static const unsigned long long in[] = {\n");
        for (long v : values) {
            c.append("  ").append(v).append("ULL,\n");
        }
        c.append("};\nint main(void) {\n  for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++)\n");
        // UTC from TAI with a 37 s offset, to check stamp_utc_ns on the way.
        c.append("    printf(\"%llu %llu %llu\\n\", (unsigned long long)stamp_ntp(in[i]),\n");
        c.append("           (unsigned long long)stamp_ptp(in[i]),\n");
        c.append("           (unsigned long long)stamp_utc_ns(in[i] + 37000000000ULL, 37000000000LL));\n");
        c.append("  return 0;\n}\n");
        Path source = dir.resolve("t.c");
        Path binary = dir.resolve("t");
        Files.writeString(source, c.toString());
        run(List.of(compiler.toString(), "-O2", "-Wall", "-Werror", "-I",
                XdpTestEnv.projectRoot().resolve("ebpf").toString(), "-o", binary.toString(), source.toString()));
        String[] lines = run(List.of(binary.toString())).split("\n");
        assertEquals(values.size(), lines.length);
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            String[] w = lines[i].trim().split(" ");
            assertEquals(Long.toUnsignedString(Timestamps.toNtp(v)), w[0], "NTP of " + v + " ns");
            assertEquals(Long.toUnsignedString(Timestamps.toPtp(v)), w[1], "PTP of " + v + " ns");
            assertEquals(Long.toUnsignedString(v), w[2], "UTC of TAI " + v + " + 37 s");
        }
    }

    private static String run(List<String> command) throws Exception {
        // Output to a file, not a pipe: a full pipe would block the child, and waitFor keeps its timeout.
        Path log = Files.createTempFile("stamp-xdp-", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
