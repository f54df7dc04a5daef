package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

import java.util.Optional;

/** Interface names, indexes and MACs of the calling thread's network namespace (see {@link NetNamespace}). */
public final class NetInterfaces {
    private static final int MAX_NAME_LENGTH = Libc.IFNAMSIZ - 1;

    private NetInterfaces() {
    }

    /**
     * The ifindex of {@code name}.
     *
     * @throws IllegalArgumentException if the name is malformed or no such interface exists here
     */
    public static int indexOf(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH
                || name.chars().anyMatch(c -> c == '/' || c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("invalid network interface name '" + name
                    + "' (1 to " + MAX_NAME_LENGTH + " printable characters, no '/' or blanks)");
        }
        int index = Libc.ifNameToIndex(name);
        if (index > 0) {
            return index;
        }
        if (-index == Libc.ENODEV) {
            throw new IllegalArgumentException("unknown network interface '" + name
                    + "' in this network namespace");
        }
        throw new IllegalArgumentException("cannot look up network interface '" + name + "': "
                + Libc.strerror(-index) + " (errno " + -index + ")");
    }

    /**
     * The MAC address (6 octets) of interface {@code name} in the calling thread's network namespace.
     *
     * @throws IllegalArgumentException if there is no such interface here
     */
    public static byte[] macOf(String name) {
        indexOf(name); // validates the name and gives the usual message for an unknown interface
        byte[] mac = new byte[6];
        int rc = Libc.ifHardwareAddress(name, mac);
        if (rc < 0) {
            throw new IllegalArgumentException("cannot read the MAC address of network interface '" + name + "': "
                    + Libc.strerror(-rc) + " (errno " + -rc + ")");
        }
        return mac;
    }

    /** The name of interface {@code index}, empty when there is none. */
    public static Optional<String> nameOf(int index) {
        return index <= 0 ? Optional.empty() : Libc.ifIndexToName(index);
    }

    /** "rfl0 (ifindex 4)" or "ifindex 4" for messages. */
    static String describe(int index) {
        return nameOf(index).map(n -> n + " (ifindex " + index + ")").orElse("ifindex " + index);
    }
}
