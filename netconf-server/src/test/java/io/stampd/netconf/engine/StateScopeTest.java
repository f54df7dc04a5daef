package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.Optional;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/** A get reads only the sessions its filter can select, and all of them whenever it cannot tell. */
class StateScopeTest {
    private static final String NS = "urn:stampd:yang:stampd-stamp";

    private static StateScope scope(String filterBody) throws Exception {
        String xml = "<filter xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" type=\"subtree\">" + filterBody
                + "</filter>";
        Element e = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(xml))).getDocumentElement();
        return StateScope.of(Optional.of(e));
    }

    private static String senders(String entries) {
        return "<stamp-state xmlns=\"" + NS + "\"><stamp-session-sender-state>" + entries
                + "</stamp-session-sender-state></stamp-state>";
    }

    @Test
    void noFilterOrTheWholeContainerReadsEverything() throws Exception {
        assertEquals(StateScope.ALL, StateScope.of(Optional.empty()));
        assertEquals(StateScope.ALL, scope("<stamp-state xmlns=\"" + NS + "\"/>"));
        assertEquals(StateScope.ALL, scope("<stamp-state/>"), "the NETCONF namespace matches any");
        assertEquals(StateScope.ALL, scope("<stamp-state xmlns=\"\"/>"), "so does none");
    }

    @Test
    void configurationOnlyOrAnotherModuleReadsNoState() throws Exception {
        assertFalse(scope("<stamp xmlns=\"" + NS + "\"/>").any());
        assertFalse(scope("<stamp-state xmlns=\"urn:other\"/>").any());
        assertFalse(scope("<netconf-state xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring\"/>").any());
    }

    @Test
    void aKeyMatchReadsThatSessionOnly() throws Exception {
        StateScope s = scope(senders("<test-session-state><session-index> 2 </session-index><current-stats/>"
                + "</test-session-state><test-session-state><session-index>7</session-index></test-session-state>"));
        assertEquals(Set.of(2L, 7L), s.senders());
        assertTrue(s.sender(2) && s.sender(7));
        assertFalse(s.sender(3));
        assertFalse(s.anyReflector(), "no reflector state asked for");
        assertFalse(s.reflector(10));
    }

    @Test
    void anEntryWithoutKeyMatchReadsAllSessions() throws Exception {
        assertNull(scope(senders("<test-session-state><session-index/></test-session-state>")).senders());
        assertNull(scope(senders("<test-session-state><sender-session-state>active</sender-session-state>"
                + "</test-session-state>")).senders(), "a match on another leaf is decided on every session");
        assertNull(scope(senders("<test-session-state><session-index>x</session-index></test-session-state>"))
                .senders(), "a key that is no number: every session, the filter decides");
        assertNull(scope(senders("<test-session-state><session-index>1</session-index></test-session-state>"
                + "<test-session-state/>")).senders(), "one entry without key makes it all");
        assertNull(scope(senders("")).senders(), "the container as a selection node");
    }

    @Test
    void aContentMatchBesideTheReflectorSessionsReadsThemAll() throws Exception {
        StateScope s = scope("<stamp-state xmlns=\"" + NS + "\"><stamp-session-refl-state>"
                + "<reflector-light-admin-status>true</reflector-light-admin-status>"
                + "</stamp-session-refl-state></stamp-state>");
        assertTrue(s.anyReflector());
        assertNull(s.reflectors());
        assertFalse(s.anySender());
    }

    @Test
    void theDataPlaneAloneReadsNoSession() throws Exception {
        StateScope s = scope("<stamp-state xmlns=\"" + NS + "\"><data-plane/></stamp-state>");
        assertTrue(s.any());
        assertFalse(s.sender(1));
        assertFalse(s.reflector(1));
    }

    @Test
    void percentilesAreComputedOnlyWhenTheFilterCanSelectThem() throws Exception {
        String entry = "<test-session-state><session-index/>";
        assertFalse(scope(senders(entry + "<current-stats><sent-packets/><two-way-delay/></current-stats>"
                + "</test-session-state>")).senderPercentiles(), "counters and min/max/avg only");
        assertFalse(scope(senders(entry + "<records/></test-session-state>")).senderPercentiles());
        assertTrue(scope(senders(entry + "<current-stats><high-percentile/></current-stats></test-session-state>"))
                .senderPercentiles());
        assertTrue(scope(senders(entry + "<current-stats/></test-session-state>")).senderPercentiles(),
                "the whole current-stats");
        assertTrue(scope(senders(entry + "<current-stats><dscp>0</dscp></current-stats></test-session-state>"))
                .senderPercentiles(), "content matches alone select the whole current-stats");
        assertTrue(scope(senders("<test-session-state><session-index>1</session-index></test-session-state>"))
                .senderPercentiles(), "the whole entry");
        assertTrue(scope(senders("")).senderPercentiles());
        assertTrue(StateScope.ALL.senderPercentiles());
    }

    @Test
    void twoStateElementsAddUp() throws Exception {
        StateScope s = scope(senders("<test-session-state><session-index>1</session-index></test-session-state>")
                + "<stamp-state xmlns=\"" + NS + "\"><stamp-session-refl-state><test-session-state><session-index>4"
                + "</session-index></test-session-state></stamp-session-refl-state></stamp-state>");
        assertEquals(Set.of(1L), s.senders());
        assertEquals(Set.of(4L), s.reflectors());
    }

    @Test
    void historyIsReadOnlyWhenTheFilterCanSelectIt() throws Exception {
        assertTrue(StateScope.ALL.senderHistory());
        assertFalse(scope(senders("<test-session-state><session-index>2</session-index><current-stats/>"
                + "</test-session-state>")).senderHistory(), "current-stats only");
        assertTrue(scope(senders("<test-session-state><session-index>2</session-index><history-stats/>"
                + "</test-session-state>")).senderHistory());
        assertTrue(scope(senders("<test-session-state><session-index>2</session-index></test-session-state>"))
                .senderHistory(), "the whole entry");
        assertTrue(scope(senders("")).senderHistory(), "every entry");
        assertFalse(scope("<stamp-state xmlns=\"" + NS + "\"><stamp-session-refl-state/></stamp-state>")
                .senderHistory(), "reflectors only");
    }
}
