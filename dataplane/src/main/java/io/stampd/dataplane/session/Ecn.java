package io.stampd.dataplane.session;

/** The ECN codepoints of RFC 3168 §5 by the names operators and the YANG model use. */
public final class Ecn {
    private static final String[] NAMES = {"not-ect", "ect1", "ect0", "ce"};

    private Ecn() {
    }

    /** The name of codepoint {@code ecn} (0..3). */
    public static String name(int ecn) {
        return NAMES[ecn & 0x3];
    }

    /** The codepoint named {@code name} (not-ect, ect1, ect0, ce; or 0..3). */
    public static int parse(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equalsIgnoreCase(name) || String.valueOf(i).equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("ECN '" + name + "' is none of not-ect, ect1, ect0, ce (or 0..3)");
    }
}
