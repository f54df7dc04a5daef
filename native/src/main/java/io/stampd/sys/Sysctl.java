package io.stampd.sys;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reading /proc/sys settings, in the calling thread's network namespace for net.*. Not with
 * Files.readString: a sysctl file reports size 0, and the JDK's read of it returns only the first
 * octet ("6" for a hop limit of 64); a reader that reads until end of file gets it all.
 */
public final class Sysctl {
    private Sysctl() {
    }

    /** The first line of /proc/sys/{@code path}, trimmed, or empty if it cannot be read. */
    public static Optional<String> read(String path) {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys", path))) {
            String line = r.readLine();
            return line == null ? Optional.empty() : Optional.of(line.strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * One integer setting read again and again without allocating (a packet thread's once-a-second
     * follow-up): the path and a small buffer are native memory kept from the start. One thread.
     */
    public static final class IntSetting {
        private final java.lang.foreign.MemorySegment path;
        private final java.lang.foreign.MemorySegment buffer;

        public IntSetting(String path) {
            java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofAuto();
            this.path = arena.allocateFrom("/proc/sys/" + path);
            this.buffer = arena.allocate(32);
        }

        /** The value, or {@code otherwise} if it cannot be read or is not an integer. */
        public int read(int otherwise) {
            int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0) {
                return otherwise;
            }
            long n;
            try {
                n = Libc.read(fd, buffer, buffer.byteSize());
            } finally {
                Libc.close(fd);
            }
            long value = 0;
            int digits = 0;
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
                if (b >= '0' && b <= '9' && digits < 10) {
                    value = value * 10 + (b - '0');
                    digits++;
                } else if (b == '\n' && digits > 0) {
                    break;
                } else {
                    return otherwise;
                }
            }
            return digits == 0 || value > Integer.MAX_VALUE ? otherwise : (int) value;
        }
    }

    /** net.ipv6.conf.{@code device}.{@code name} as an integer, or {@code otherwise}. */
    public static int ipv6Conf(String device, String name, int otherwise) {
        try {
            return read("net/ipv6/conf/" + device + "/" + name).map(Integer::parseInt).orElse(otherwise);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
