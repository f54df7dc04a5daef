package io.stampd.netconf.engine;

import io.stampd.netconf.YangModels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * Which parts of {@code /stamp-state} a subtree filter (RFC 6241, section 6) can select, so that
 * a {@code <get>} computes only those: whether any, and which sender and reflector sessions (the
 * data plane's node-wide counters are always read: they cost the same whatever the sessions). It errs on the side of more: anything it does not recognise as narrowing counts as
 * "all" (the filter itself is applied to the result afterwards, so extra state is never shown).
 * Sessions are narrowed only by a content match on the list key, {@code session-index}.
 *
 * @param any        whether the filter can select anything of {@code /stamp-state}
 * @param anySender  whether it can select sender sessions' state
 * @param senders    the sender sessions' indexes to read, or null for all
 * @param senderPercentiles whether it can select a sender's delay percentiles (the costly part of
 *                   reading a session: a walk over six histograms)
 * @param anyReflector whether it can select reflector sessions' state
 * @param reflectors the reflector sessions' indexes to read, or null for all
 * @param senderHistory whether it can select a sender's history-stats (up to history-size closed
 *                   measurement intervals a session, most of a session's state)
 */
record StateScope(boolean any, boolean anySender, Set<Long> senders, boolean senderPercentiles,
                  boolean anyReflector, Set<Long> reflectors, boolean senderHistory) {
    static final StateScope ALL = new StateScope(true, true, null, true, true, null, true);
    static final StateScope NONE = new StateScope(false, false, Set.of(), false, false, Set.of(), false);
    /** The containers of a sender's current-stats whose values are percentiles. */
    private static final Set<String> PERCENTILE_NODES = Set.of("low-percentile", "mid-percentile", "high-percentile");
    private static final String NS = YangModels.STAMP_NAMESPACE;
    private static final String BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0";

    /** Whether sender session {@code id} is to be read. */
    boolean sender(long id) {
        return anySender && (senders == null || senders.contains(id));
    }

    boolean reflector(long id) {
        return anyReflector && (reflectors == null || reflectors.contains(id));
    }

    /** The scope of a {@code <filter>} element (its children are the filter's top-level nodes); none: all. */
    static StateScope of(Optional<Element> filter) {
        if (filter.isEmpty()) {
            return ALL;
        }
        Builder b = new Builder();
        for (Element top : elements(filter.get())) {
            if (named(top, "stamp-state")) {
                b.stampState(top);
            }
        }
        return b.build();
    }

    /**
     * Whether {@code e} can match the stampd node {@code name}: same local name, and stampd's
     * namespace or one that matches any (none, or NETCONF's, as in SubtreeSelection).
     */
    private static boolean named(Element e, String name) {
        String ns = e.getNamespaceURI();
        return name.equals(localName(e)) && (ns == null || ns.isEmpty() || ns.equals(NS) || ns.equals(BASE_NS));
    }

    /** The local name, also of an element parsed without namespaces (then the tag without its prefix). */
    private static String localName(Element e) {
        String local = e.getLocalName();
        if (local != null) {
            return local;
        }
        String tag = e.getTagName();
        return tag.substring(tag.indexOf(':') + 1);
    }

    private static List<Element> elements(Element parent) {
        return io.stampd.netconf.protocol.XmlElements.children(parent);
    }

    /** A content match node: text and no child elements. */
    private static boolean isContentMatch(Element e) {
        return !elements(e).iterator().hasNext() && !e.getTextContent().isBlank();
    }

    private static final class Builder {
        boolean any;
        boolean anySender;
        Set<Long> senders = new HashSet<>();
        boolean allSenders;
        boolean senderPercentiles;
        boolean senderHistory;
        boolean anyReflector;
        Set<Long> reflectors = new HashSet<>();
        boolean allReflectors;

        void stampState(Element stampState) {
            any = true;
            if (!elements(stampState).iterator().hasNext()) {
                all(); // a selection node: the whole container
                return;
            }
            for (Element child : elements(stampState)) {
                if (isContentMatch(child)) {
                    all(); // stamp-state has no leaves; whatever this is, do not narrow on it
                } else if (named(child, "stamp-session-sender-state")) {
                    anySender = true;
                    allSenders |= !sessions(child, senders);
                    senderPercentiles |= percentiles(child);
                    senderHistory |= history(child);
                } else if (named(child, "stamp-session-refl-state")) {
                    anyReflector = true;
                    allReflectors |= !sessions(child, reflectors);
                }
            }
        }

        /**
         * Adds the session indexes a sender or reflector state container's filter names; false if
         * it may select sessions not named by index (then all are read).
         */
        private static boolean sessions(Element container, Set<Long> into) {
            if (!elements(container).iterator().hasNext()) {
                return false; // a selection node: every session
            }
            for (Element child : elements(container)) {
                if (named(child, "test-session-state")) {
                    Optional<Long> key = keyMatch(child);
                    if (key.isEmpty()) {
                        return false;
                    }
                    into.add(key.get());
                } else if (isContentMatch(child)) {
                    return false; // e.g. reflector-light-admin-status: its whole sibling set may be selected
                }
            }
            return true;
        }

        /**
         * Whether a sender state container's filter can select a low-, mid- or high-percentile:
         * unless every entry filter names the nodes it selects, and none of them is one of those
         * or a current-stats that selects them.
         */
        private static boolean percentiles(Element container) {
            if (!elements(container).iterator().hasNext()) {
                return true;
            }
            for (Element entry : elements(container)) {
                if (isContentMatch(entry)) {
                    continue; // not an entry: selects nothing
                }
                List<Element> selecting = new ArrayList<>();
                for (Element c : elements(entry)) {
                    if (!isContentMatch(c)) {
                        selecting.add(c);
                    }
                }
                if (selecting.isEmpty()) {
                    return true; // the whole entry
                }
                for (Element c : selecting) {
                    if (named(c, "current-stats") && selectsPercentiles(c)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /**
         * Whether a sender state container's filter can select history-stats: unless every entry
         * filter names the nodes it selects, and none of them is history-stats.
         */
        private static boolean history(Element container) {
            if (!elements(container).iterator().hasNext()) {
                return true;
            }
            for (Element entry : elements(container)) {
                if (isContentMatch(entry)) {
                    continue;
                }
                boolean selects = false;
                for (Element c : elements(entry)) {
                    if (!isContentMatch(c)) {
                        selects = true;
                        if (named(c, "history-stats")) {
                            return true;
                        }
                    }
                }
                if (!selects) {
                    return true; // the whole entry
                }
            }
            return false;
        }

        private static boolean selectsPercentiles(Element currentStats) {
            boolean onlyContentMatches = true;
            for (Element c : elements(currentStats)) {
                if (!isContentMatch(c)) {
                    onlyContentMatches = false;
                    if (PERCENTILE_NODES.contains(localName(c))) {
                        return true;
                    }
                }
            }
            return onlyContentMatches; // a selection node, or content matches that select it whole
        }

        /** The session-index a list entry filter matches on, if it matches on one. */
        private static Optional<Long> keyMatch(Element entry) {
            for (Element child : elements(entry)) {
                if (named(child, "session-index") && isContentMatch(child)) {
                    try {
                        return Optional.of(Long.parseLong(child.getTextContent().strip()));
                    } catch (NumberFormatException e) {
                        return Optional.empty(); // not a number: let the filter decide on everything
                    }
                }
            }
            return Optional.empty();
        }

        private void all() {
            anySender = anyReflector = allSenders = allReflectors = senderPercentiles = senderHistory = true;
        }

        StateScope build() {
            if (!any) {
                return NONE;
            }
            return new StateScope(true, anySender, allSenders ? null : Set.copyOf(senders), senderPercentiles,
                    anyReflector, allReflectors ? null : Set.copyOf(reflectors), senderHistory);
        }
    }
}
