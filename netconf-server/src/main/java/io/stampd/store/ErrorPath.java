package io.stampd.store;

import java.util.Map;

/**
 * The error-path of an rpc-error (RFC 6241, section 4.3): an absolute XPath naming the offending
 * node with module prefixes, e.g. {@code /sstamp:stamp/sstamp:stamp-session-sender}, and the
 * namespaces those prefixes stand for, which the reply declares on the error-path element.
 */
public record ErrorPath(String xpath, Map<String, String> namespaces) {
    public ErrorPath {
        namespaces = Map.copyOf(namespaces);
    }

    /** A path whose names carry no prefix (the hook's words when they cannot be resolved). */
    public static ErrorPath unprefixed(String xpath) {
        return new ErrorPath(xpath, Map.of());
    }

    @Override
    public String toString() {
        return xpath;
    }
}
