package io.stampd.dataplane.bench;

import java.util.Locale;

/** What the traffic generator's STAMP frames are (enum traffic_gen_stamp_kind of ebpf/traffic_gen.h). */
public enum StampKind {
    /** Session-Sender test packets, to a Session-Reflector. */
    SENDER(0),
    /** Session-Reflector test packets, to a Session-Sender that collects them. */
    REFLECTOR(1);

    final int wire;

    StampKind(int wire) {
        this.wire = wire;
    }

    /** "sender" or "reflector", in any case. */
    public static StampKind parse(String text) {
        for (StampKind kind : values()) {
            if (kind.name().equalsIgnoreCase(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("STAMP kind must be sender or reflector, got '" + text + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
