package io.stampd.dataplane.core;

import io.stampd.dataplane.DataPlaneException;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's Session-Senders by what a reply carries (RFC 8972 §3): the local endpoint it came to,
 * its SSID, and the reflector's address and port it came from. A hashed lookup with a reusable
 * probe key, so that matching costs the same with one session or thousands and allocates nothing.
 * I/O thread only.
 */
public final class SenderTable {
    private static final ValueLayout.OfLong LONG_BE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Map<Key, SessionSender> byKey = new HashMap<>();
    private final Key probe = new Key();

    /** Mutable for the probe; the stored keys are never changed. */
    private static final class Key {
        int endpoint;
        int ssid;
        int reflectorPort;
        long addrHigh;
        long addrLow;

        Key set(int endpoint, int ssid, int reflectorPort, long addrHigh, long addrLow) {
            this.endpoint = endpoint;
            this.ssid = ssid;
            this.reflectorPort = reflectorPort;
            this.addrHigh = addrHigh;
            this.addrLow = addrLow;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.endpoint == endpoint && k.ssid == ssid && k.reflectorPort == reflectorPort
                    && k.addrHigh == addrHigh && k.addrLow == addrLow;
        }

        @Override
        public int hashCode() {
            long h = addrHigh * 0x9E3779B97F4A7C15L ^ addrLow * 0xC2B2AE3D27D4EB4FL
                    ^ ((long) endpoint << 40 | (long) ssid << 16 | reflectorPort) * 0x165667B19E3779F9L;
            return (int) (h ^ (h >>> 32));
        }
    }

    private static Key keyOf(int endpoint, SessionSender s) {
        MemorySegment a = MemorySegment.ofArray(s.reflectorAddress);
        return new Key().set(endpoint, s.config.ssid(), s.config.reflectorPort(), a.get(LONG_BE, 0), a.get(LONG_BE, 8));
    }

    /**
     * Adds {@code s}, received through local endpoint {@code endpoint} (a plane's id for the
     * socket or port the replies arrive on).
     *
     * @throws DataPlaneException if another session there has the same SSID towards the same reflector
     */
    public void add(int endpoint, SessionSender s) {
        Key k = keyOf(endpoint, s);
        SessionSender other = byKey.get(k);
        if (other != null && other != s) {
            throw new DataPlaneException(DataPlaneException.Reason.INVALID_CONFIGURATION,
                    "sender session " + s.config.id() + ": session " + other.config.id()
                    + " already uses ssid " + s.config.ssid() + " towards the same reflector from the same port");
        }
        byKey.put(k, s);
    }

    /** Whether another session at {@code endpoint} has the SSID, reflector address and port of {@code s}. */
    public boolean taken(int endpoint, SessionSender s) {
        SessionSender other = byKey.get(keyOf(endpoint, s));
        return other != null && other != s;
    }

    public void remove(int endpoint, SessionSender s) {
        byKey.remove(keyOf(endpoint, s), s);
    }

    /** The session a reply belongs to, or null. {@code reflectorAddress}: 16 octets at offset 0. */
    public SessionSender find(int endpoint, int ssid, int reflectorPort, MemorySegment reflectorAddress) {
        return byKey.get(probe.set(endpoint, ssid, reflectorPort, reflectorAddress.get(LONG_BE, 0),
                reflectorAddress.get(LONG_BE, 8)));
    }

    public int size() {
        return byKey.size();
    }
}
