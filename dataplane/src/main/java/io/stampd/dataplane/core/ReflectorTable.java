package io.stampd.dataplane.core;

import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.session.ReflectorSessionConfig;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's provisioned reflector sessions, found by what a test packet carries (RFC 8972 §3):
 * reflector port, SSID, sender address and port, reflector address, where a session may leave
 * any of the last four open. Each session has a wildcard pattern (which fields it leaves open);
 * per port the table knows which patterns are in use and looks up only those, each a hashed
 * lookup with a reusable probe key. Overlapping sessions are refused, so at most one matches.
 * The XDP plane mirrors exactly this scheme in its maps. I/O thread only, except {@link #all()}.
 */
public final class ReflectorTable {
    public static final int WILD_REFLECTOR_ADDRESS = 1;
    public static final int WILD_SENDER_ADDRESS = 2;
    public static final int WILD_SENDER_PORT = 4;
    public static final int WILD_SSID = 8;
    public static final int PATTERNS = 16;
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ANY_SSID_KEY = 0x10000;

    private final Map<Key, SessionReflector> byKey = new HashMap<>();
    /**
     * Per port: bit (1 << pattern) set while an unauthenticated session with that pattern is
     * provisioned there, bit (1 << (16 + pattern)) for an authenticated one (its SSID sits elsewhere).
     */
    private final int[] patternsByPort = new int[65536];
    private final Map<Integer, Integer> patternUse = new HashMap<>();
    private volatile List<SessionReflector> all = List.of();
    private final Key probe = new Key();

    private static final class Key {
        boolean authenticated;
        int port;
        int ssid;
        int senderPort;
        long senderHigh;
        long senderLow;
        long reflectorHigh;
        long reflectorLow;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.authenticated == authenticated && k.port == port && k.ssid == ssid && k.senderPort == senderPort
                    && k.senderHigh == senderHigh && k.senderLow == senderLow && k.reflectorHigh == reflectorHigh
                    && k.reflectorLow == reflectorLow;
        }

        @Override
        public int hashCode() {
            long h = senderHigh * 0x9E3779B97F4A7C15L ^ senderLow * 0xC2B2AE3D27D4EB4FL
                    ^ reflectorHigh * 0x165667B19E3779F9L ^ reflectorLow * 0x27D4EB2F165667C5L
                    ^ ((long) port << 40 | (long) ssid << 16 | senderPort) * 0x94D049BB133111EBL;
            return (int) (h ^ (h >>> 32)) ^ (authenticated ? 0x5BD1E995 : 0);
        }
    }

    /** The wildcard pattern of a session: which of its match fields are left open. */
    public static int pattern(ReflectorSessionConfig c) {
        return (c.reflectorAddress() == null ? WILD_REFLECTOR_ADDRESS : 0)
                | (c.senderAddress() == null ? WILD_SENDER_ADDRESS : 0)
                | (c.senderPort() == 0 ? WILD_SENDER_PORT : 0)
                | (c.ssid() == ReflectorSessionConfig.ANY_SSID ? WILD_SSID : 0);
    }

    private static Key keyOf(ReflectorSessionConfig c) {
        Key k = new Key();
        k.authenticated = c.authenticated();
        k.port = c.reflectorPort();
        k.ssid = c.ssid() == ReflectorSessionConfig.ANY_SSID ? ANY_SSID_KEY : c.ssid();
        k.senderPort = c.senderPort();
        if (c.senderAddress() != null) {
            MemorySegment a = MemorySegment.ofArray(c.senderAddress().getAddress());
            k.senderHigh = a.get(LONG_BE, 0);
            k.senderLow = a.get(LONG_BE, 8);
        }
        if (c.reflectorAddress() != null) {
            MemorySegment a = MemorySegment.ofArray(c.reflectorAddress().getAddress());
            k.reflectorHigh = a.get(LONG_BE, 0);
            k.reflectorLow = a.get(LONG_BE, 8);
        }
        return k;
    }

    /**
     * Adds a session.
     *
     * @throws DataPlaneException naming both sessions if it overlaps one already there
     */
    public void add(SessionReflector s) {
        for (SessionReflector other : all) {
            if (other.config.overlaps(s.config)) {
                throw new DataPlaneException(DataPlaneException.Reason.INVALID_CONFIGURATION,
                        "reflector session " + s.config.id() + " overlaps reflector session "
                        + other.config.id() + " (same port, SSID and addresses could match the same packet)");
            }
        }
        byKey.put(keyOf(s.config), s);
        int port = s.config.reflectorPort();
        int bit = bit(s.config);
        patternUse.merge((port << 5) | bit, 1, Integer::sum);
        patternsByPort[port] |= 1 << bit;
        List<SessionReflector> next = new ArrayList<>(all);
        next.add(s);
        all = List.copyOf(next);
    }

    public void remove(SessionReflector s) {
        if (!byKey.remove(keyOf(s.config), s)) {
            return;
        }
        int port = s.config.reflectorPort();
        int bit = bit(s.config);
        int use = (port << 5) | bit;
        if (patternUse.merge(use, -1, Integer::sum) <= 0) {
            patternUse.remove(use);
            patternsByPort[port] &= ~(1 << bit);
        }
        List<SessionReflector> next = new ArrayList<>(all);
        next.remove(s);
        all = List.copyOf(next);
    }

    private static int bit(ReflectorSessionConfig c) {
        return (c.authenticated() ? PATTERNS : 0) + pattern(c);
    }

    /** True while any session uses {@code port}. */
    public boolean usesPort(int port) {
        return patternsByPort[port] != 0;
    }

    /** Every session (a snapshot; any thread). */
    public List<SessionReflector> all() {
        return all;
    }

    /**
     * The session a test packet belongs to, or null: {@code port} its UDP destination port,
     * {@code p} its payload of {@code length} octets (the SSID is read where the session's mode
     * has it), {@code src}/{@code dst} its addresses (16 octets at offset 0). A packet shorter
     * than the base packet of a session's mode is not that session's.
     */
    public SessionReflector find(int port, MemorySegment p, int length, MemorySegment src, int srcPort,
                                 MemorySegment dst) {
        int patterns = patternsByPort[port];
        if (patterns == 0) {
            return null;
        }
        long sh = src.get(LONG_BE, 0);
        long sl = src.get(LONG_BE, 8);
        long dh = dst.get(LONG_BE, 0);
        long dl = dst.get(LONG_BE, 8);
        SessionReflector s = null;
        if ((patterns & 0xFFFF) != 0 && length >= StampLayout.UNAUTHENTICATED.baseLength) {
            s = find(false, port, patterns & 0xFFFF, StampLayout.UNAUTHENTICATED.ssid(p), sh, sl, srcPort, dh, dl);
        }
        if (s == null && (patterns >>> PATTERNS) != 0 && length >= StampLayout.AUTHENTICATED.baseLength) {
            s = find(true, port, patterns >>> PATTERNS, StampLayout.AUTHENTICATED.ssid(p), sh, sl, srcPort, dh, dl);
        }
        return s;
    }

    private SessionReflector find(boolean authenticated, int port, int patterns, int ssid, long sh, long sl,
                                  int srcPort, long dh, long dl) {
        Key k = probe;
        k.authenticated = authenticated;
        k.port = port;
        for (int p = 0; patterns != 0; p++, patterns >>>= 1) {
            if ((patterns & 1) == 0) {
                continue;
            }
            k.ssid = (p & WILD_SSID) != 0 ? ANY_SSID_KEY : ssid;
            k.senderPort = (p & WILD_SENDER_PORT) != 0 ? 0 : srcPort;
            k.senderHigh = (p & WILD_SENDER_ADDRESS) != 0 ? 0 : sh;
            k.senderLow = (p & WILD_SENDER_ADDRESS) != 0 ? 0 : sl;
            k.reflectorHigh = (p & WILD_REFLECTOR_ADDRESS) != 0 ? 0 : dh;
            k.reflectorLow = (p & WILD_REFLECTOR_ADDRESS) != 0 ? 0 : dl;
            SessionReflector s = byKey.get(k);
            if (s != null) {
                return s;
            }
        }
        return null;
    }
}
