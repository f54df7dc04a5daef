package io.stampd.sys;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Linux capabilities this process has in effect, and which of those an operation needs are
 * missing. Why ask before acting: some privileged steps fail late and quietly (an XDP program
 * attaches without CAP_SYS_ADMIN, but cannot be detached by id afterwards and stays on the
 * interface), others fail with a bare EPERM that does not say which capability was missing; a
 * data plane that checks first refuses with the capability's name.
 */
public final class Capabilities {
    /** The capabilities stampd uses, with their bit numbers from linux/capability.h. */
    public enum Capability {
        NET_BIND_SERVICE(10), NET_ADMIN(12), NET_RAW(13), SYS_ADMIN(21), PERFMON(38), BPF(39);

        private final int bit;

        Capability(int bit) {
            this.bit = bit;
        }

        /** As capabilities(7) and systemd spell it: CAP_NET_RAW. */
        @Override
        public String toString() {
            return "CAP_" + name();
        }
    }

    private final long effective;

    private Capabilities(long effective) {
        this.effective = effective;
    }

    /** This process's effective set, from /proc/self/status; all of them if it cannot be read. */
    public static Capabilities current() {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/self/status"))) {
            return parse(r.lines().toList());
        } catch (IOException | IllegalArgumentException e) {
            // Without /proc the operation itself will say EPERM: better than refusing on a guess.
            return new Capabilities(-1L);
        }
    }

    /** The effective set from the lines of a /proc/PID/status ("CapEff:\t000001ffffffffff"). */
    static Capabilities parse(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("CapEff:")) {
                return new Capabilities(Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16));
            }
        }
        throw new IllegalArgumentException("no CapEff line in the process status");
    }

    public boolean has(Capability c) {
        return (effective >>> c.bit & 1) != 0;
    }

    /** Those of {@code needed} this process lacks, in the order given. */
    public List<Capability> missing(Capability... needed) {
        List<Capability> out = new ArrayList<>();
        for (Capability c : needed) {
            if (!has(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * "needs CAP_NET_RAW, CAP_BPF (the process has CAP_NET_BIND_SERVICE)": the sentence a refusal
     * ends with, listing what is missing and what the process does have of the ones stampd uses.
     */
    public String needs(List<Capability> missing) {
        List<String> have = new ArrayList<>();
        for (Capability c : Capability.values()) {
            if (has(c)) {
                have.add(c.toString());
            }
        }
        return "needs " + String.join(", ", missing.stream().map(Capability::toString).toList())
                + " (this process has " + (have.isEmpty() ? "none of the capabilities stampd uses"
                : String.join(", ", have)) + ")";
    }

    /**
     * Why binding {@code port} was refused with EACCES: ports below the network namespace's
     * net.ipv4.ip_unprivileged_port_start (1024 unless changed) need CAP_NET_BIND_SERVICE. Empty
     * for a port above it (the refusal has another cause).
     */
    public static String privilegedPortHint(int port) {
        int start = Sysctl.read("net/ipv4/ip_unprivileged_port_start").map(Integer::parseInt).orElse(1024);
        return port > 0 && port < start ? "; port " + port + " is below net.ipv4.ip_unprivileged_port_start ("
                + start + "): binding it needs CAP_NET_BIND_SERVICE" : "";
    }
}
