package io.stampd.netconf.protocol;

import java.util.Optional;

/**
 * How a reply reports leaves that have their YANG default (RFC 6243). The server's basic mode is
 * explicit: a leaf is reported when it was set, whatever its value.
 */
public enum WithDefaultsMode {
    /** Leaves that were set, and no others (the basic mode). */
    EXPLICIT("explicit"),
    /** Also every leaf that has a default and was not set. */
    REPORT_ALL("report-all"),
    /** No leaf whose value is its default, set or not. */
    TRIM("trim");

    public static final String NAMESPACE = "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults";
    public static final String CAPABILITY = "urn:ietf:params:netconf:capability:with-defaults:1.0"
            + "?basic-mode=explicit&also-supported=report-all,trim";
    /**
     * The same modes for get-data of the operational datastore (RFC 8526, 3.1.1.2): explicit
     * reports what running sets and the state the server reports; report-all adds the defaults in
     * use (origin or:default), trim drops values equal to their default.
     */
    public static final String OPERATIONAL_CAPABILITY = "urn:ietf:params:netconf:capability:"
            + "with-operational-defaults:1.0?basic-mode=explicit&also-supported=report-all,trim";

    private final String xmlName;

    WithDefaultsMode(String xmlName) {
        this.xmlName = xmlName;
    }

    public String xmlName() {
        return xmlName;
    }

    public static Optional<WithDefaultsMode> ofXmlName(String name) {
        for (WithDefaultsMode m : values()) {
            if (m.xmlName.equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
