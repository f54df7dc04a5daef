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

    /** net.ipv6.conf.{@code device}.{@code name} as an integer, or {@code otherwise}. */
    public static int ipv6Conf(String device, String name, int otherwise) {
        try {
            return read("net/ipv6/conf/" + device + "/" + name).map(Integer::parseInt).orElse(otherwise);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
