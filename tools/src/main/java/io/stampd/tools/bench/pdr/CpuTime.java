package io.stampd.tools.bench.pdr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Busy time of one CPU from /proc/stat (everything but idle and iowait), in nanoseconds. */
final class CpuTime {
    /** /proc/stat counts in USER_HZ ticks, 100 per second on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private CpuTime() {
    }

    static long busyNanos(int cpu) {
        String prefix = "cpu" + cpu + " ";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith(prefix)) {
                    String[] f = line.trim().split("\\s+");
                    // user nice system idle iowait irq softirq steal ...
                    long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                            + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
                    return busy * NANOS_PER_TICK;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
        throw new IllegalStateException("no line for cpu" + cpu + " in /proc/stat");
    }
}
