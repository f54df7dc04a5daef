package io.stampd.tools.bench.pdr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Busy time of one CPU from /proc/stat (everything but idle and iowait), and the CPU time of one
 * process from its threads' scheduler statistics, in nanoseconds.
 */
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

    /**
     * Time the threads of process {@code pid} have run on any CPU, in nanoseconds: the sum of the
     * first field of /proc/PID/task/TID/schedstat (the scheduler's own run time, not 10 ms ticks).
     * On a kernel without IRQ time accounting it includes the softirq work done while one of them
     * was running, such as a veth delivering what its system calls sent. -1 when the process is
     * gone. A thread that ends between two readings takes its time with it: compare readings of
     * a process whose threads live long (stampd's do).
     */
    static long processNanos(long pid) {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String s = Files.readString(task.resolve("schedstat")).trim();
                    int space = s.indexOf(' ');
                    sum += Long.parseLong(space < 0 ? s : s.substring(0, space));
                } catch (NoSuchFileException ended) {
                    // the thread ended between the listing and the read
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("unexpected " + task.resolve("schedstat") + ": " + e.getMessage(), e);
                }
            }
        } catch (NoSuchFileException gone) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the threads of process " + pid, e);
        }
        return sum;
    }
}
