package io.stampd.netconf.protocol;

import java.util.Locale;
import java.util.Optional;

/** The values of edit-config's operation attribute and default-operation (RFC 6241, section 7.2). */
public enum EditOperation {
    MERGE, REPLACE, CREATE, DELETE, REMOVE,
    /** default-operation only: elements without an operation attribute just lead to nested ones. */
    NONE;

    /** The operation an attribute value names; NONE is not a valid attribute value. */
    public static Optional<EditOperation> ofAttribute(String value) {
        return of(value).filter(op -> op != NONE);
    }

    /** The default-operation an element's text names (merge, replace or none). */
    public static Optional<EditOperation> ofDefault(String value) {
        return of(value).filter(op -> op == MERGE || op == REPLACE || op == NONE);
    }

    private static Optional<EditOperation> of(String value) {
        for (EditOperation op : values()) {
            if (op.xmlName().equals(value)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    public String xmlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the node ends up with the element's content (as opposed to being deleted or untouched). */
    public boolean writes() {
        return this == MERGE || this == REPLACE || this == CREATE;
    }
}
