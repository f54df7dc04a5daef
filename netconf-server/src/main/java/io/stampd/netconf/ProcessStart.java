package io.stampd.netconf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * When this process started, on the {@link System#nanoTime()} scale, so that the agent can log how
 * long it took to resume its sessions and to listen.
 *
 * <p>{@link ProcessHandle.Info#startInstant()} adds the start tick to the boot time of
 * {@code /proc/stat}, which has whole seconds: the agent's start-up would be off by up to a second.
 * Both {@code /proc/self/stat}'s start time and {@code /proc/uptime} count from boot instead, to
 * 10 ms; the handle is the fallback where they cannot be read.
 */
final class ProcessStart {
    /** The kernel reports process times in USER_HZ ticks, 100 per second on every Linux ABI. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    /** Field 22 of /proc/PID/stat, counted from the state field (field 3), the first after the name. */
    private static final int START_TIME_INDEX = 22 - 3;

    private ProcessStart() {
    }

    static long nanoTime() {
        long now = System.nanoTime();
        try {
            long age = ageNanos(Files.readString(Path.of("/proc/self/stat")), Files.readString(Path.of("/proc/uptime")));
            if (age >= 0) {
                return now - age;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: the coarser answer below
        }
        return ProcessHandle.current().info().startInstant()
                .map(start -> now - Duration.between(start, Instant.now()).toNanos())
                .orElse(now);
    }

    /**
     * How long ago the process started, from the texts of {@code /proc/self/stat} and
     * {@code /proc/uptime}; -1 if they do not make sense together.
     */
    static long ageNanos(String stat, String uptime) {
        // The name (field 2) is in parentheses and may hold spaces and parentheses itself.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        long startTicks = Long.parseLong(fields[START_TIME_INDEX]);
        String[] up = uptime.trim().split("[ .]");
        long uptimeNanos = Long.parseLong(up[0]) * 1_000_000_000L
                + Long.parseLong((up[1] + "000000000").substring(0, 9));
        long age = uptimeNanos - startTicks * NANOS_PER_TICK;
        return age >= 0 ? age : -1;
    }
}
