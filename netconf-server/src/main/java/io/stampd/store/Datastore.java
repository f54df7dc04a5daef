package io.stampd.store;

import java.util.Locale;

/** The configuration datastores of RFC 6241 that a target or source can name. */
public enum Datastore {
    RUNNING, CANDIDATE, STARTUP;

    public String xmlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static java.util.Optional<Datastore> ofXmlName(String name) {
        for (Datastore d : values()) {
            if (d.xmlName().equals(name)) {
                return java.util.Optional.of(d);
            }
        }
        return java.util.Optional.empty();
    }
}
