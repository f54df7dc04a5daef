package io.stampd.nacm;

import java.util.Locale;

/** The access operations of RFC 8341 (the bits of access-operations-type). */
public enum Access {
    CREATE, READ, UPDATE, DELETE, EXEC;

    public String yangName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Access ofYangName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
