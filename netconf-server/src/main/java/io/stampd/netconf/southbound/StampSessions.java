package io.stampd.netconf.southbound;

import io.stampd.netconf.engine.ConfigNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;

/**
 * The test sessions of a running configuration as the gRPC southbound addresses them: by SSID,
 * whichever front end created them.
 */
final class StampSessions {
    /** A configured test session: its list key, its SSID (empty: any), whether it is enabled. */
    record Entry(long key, Optional<Integer> ssid, boolean enabled) {
    }

    private StampSessions() {
    }

    static List<Entry> senders(ContainerNode running) {
        List<Entry> out = new ArrayList<>();
        for (MapEntryNode e : entries(running, "stamp-session-sender", "sender-test-session")) {
            long id = Long.parseLong(ConfigNodes.leaf(e, "stamp-session-id").orElseThrow());
            // RFC 8972's SSID; the model's default is the low 16 bits of the session id
            int ssid = ConfigNodes.leaf(e, "ssid").map(Integer::parseInt).orElse((int) (id & 0xFFFF));
            out.add(new Entry(id, Optional.of(ssid), ConfigNodes.flag(e, "test-session-enable", true)));
        }
        return out;
    }

    static List<Entry> reflectors(ContainerNode running) {
        List<Entry> out = new ArrayList<>();
        for (MapEntryNode e : entries(running, "stamp-session-reflector", "reflector-test-session")) {
            long index = Long.parseLong(ConfigNodes.leaf(e, "session-index").orElseThrow());
            Optional<Integer> ssid = ConfigNodes.leaf(e, "ssid").filter(s -> !s.equals("any")).map(Integer::parseInt);
            out.add(new Entry(index, ssid, ConfigNodes.flag(e, "test-session-enable", true)));
        }
        return out;
    }

    /** The session with this SSID; several (e.g. towards different reflectors) are refused as ambiguous. */
    static Optional<Entry> bySsid(List<Entry> sessions, int ssid) throws Ambiguous {
        List<Entry> hits = sessions.stream().filter(e -> e.ssid().equals(Optional.of(ssid))).toList();
        if (hits.size() > 1) {
            throw new Ambiguous("SSID " + ssid + " names " + hits.size() + " sessions (keys "
                    + hits.stream().map(e -> Long.toString(e.key())).toList() + "); gRPC addresses a session by"
                    + " its SSID alone, so configure one per SSID");
        }
        return hits.stream().findFirst();
    }

    /** The key a new session gets: its SSID if no session has that key yet, else one past the largest. */
    static long newKey(List<Entry> sessions, int ssid) {
        boolean taken = sessions.stream().anyMatch(e -> e.key() == ssid);
        return taken ? sessions.stream().mapToLong(Entry::key).max().orElse(0) + 1 : ssid;
    }

    static Optional<String> globalLeaf(ContainerNode running, String container, String leaf) {
        return ConfigNodes.child(running, "stamp").flatMap(s -> ConfigNodes.child(s, container))
                .flatMap(c -> ConfigNodes.leaf(c, leaf));
    }

    static boolean keyChainExists(ContainerNode running, String name) {
        return entries(running, "key-chains", "key-chain").stream()
                .anyMatch(e -> ConfigNodes.leaf(e, "name").orElse("").equals(name));
    }

    private static List<MapEntryNode> entries(ContainerNode running, String container, String list) {
        Optional<DataContainerNode> c = ConfigNodes.child(running, "stamp")
                .flatMap(s -> ConfigNodes.child(s, container));
        return c.map(n -> List.copyOf(ConfigNodes.entries(n, list))).orElse(List.of());
    }

    /** Two sessions answer to one SSID. */
    static final class Ambiguous extends Exception {
        private static final long serialVersionUID = 1L;

        Ambiguous(String message) {
            super(message);
        }
    }
}
