package io.stampd.netconf.engine;

import io.stampd.dataplane.PlaneSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.SendTimingRecorder;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.netconf.YangModels;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import javax.xml.stream.XMLOutputFactory;
import org.junit.jupiter.api.Test;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.broker.SerializedDOMDataBroker;
import org.opendaylight.mdsal.dom.spi.store.DOMStore;
import org.opendaylight.mdsal.dom.store.inmemory.InMemoryDOMDataStore;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.stream.NormalizedNodeWriter;
import org.opendaylight.yangtools.yang.data.codec.xml.XMLStreamNormalizedNodeStreamWriter;

/**
 * The state tree is what stampd-stamp.yang says: the operational datastore accepts it, and it
 * serialises to XML with every value of the type its leaf declares.
 */
class StateTreeTest {
    @Test
    void stateOfMeasuringSessionsFitsTheModel() throws Exception {
        var plane = new FakeDataPlane();
        var manager = new SessionManager(plane, SessionEvents.IGNORE);
        SenderSessionConfig c = SenderSessionConfig.builder().id(7).ssid(7)
                .reflectorAddress(Ipv6Addresses.parseUnicast("2001:db8::2", "r"))
                .senderAddress(Ipv6Addresses.parseUnicast("::1", "s"))
                .intervalNanos(10_000_000).recordCapacity(64).build();
        ReflectorSessionConfig r = new ReflectorSessionConfig(3, ReflectorSessionConfig.ANY_SSID, null, 0, null, 862,
                List.of(), null, true, null);
        var desired = new DesiredSessions(Map.of(7L, new SenderIntent(c, true, Thresholds.NONE)),
                Map.of(3L, new ReflectorIntent(r, true)), true, true, PlaneSettings.SOCKET);
        manager.apply(desired);

        SenderSession s = manager.senders().getFirst();
        SenderStatistics stats = s.statistics();
        long t = 1_795_000_000_000_000_000L;
        for (int seq = 0; seq < 20; seq++) {
            long t1 = t + seq * 10_000_000L;
            stats.onSent(seq, t1, seq * 10_000_000L);
            if (seq != 5) {
                stats.onReply(seq, t1, t1 + 5_000_000, t1 + 5_010_000, t1 + 5_060_000 + seq * 1000, 63, seq,
                        seq * 10_000_000L + 5_060_000);
            }
        }
        var snapshot = stats.snapshot(20 * 10_000_000L + 3_000_000_000L);
        ContainerNode state = StateTree.build(PlaneSettings.SOCKET, desired, plane.counters(), manager.sendTiming(), Map.of(),
                List.of(new StateTree.SenderReading(s, snapshot, stats.latestRecords(10), 19)),
                manager.reflectors());

        String text = acceptedAsXml(state);
        for (String expected : new String[] {"<sender-session-state>active</sender-session-state>",
            "<sent-packets>20</sent-packets>", "<rcv-packets>19</rcv-packets>", "<loss-count>1</loss-count>",
            "<loss-ratio>5.0</loss-ratio>", "<min>5000000</min>", "<percentile>99.9</percentile>",
            "<pending-records>19</pending-records>", "<sender-ttl>63</sender-ttl>",
            "<reflector-session-state>active</reflector-session-state>", "<session-sender-udp-port>50007",
            "<start-time>2026-11-18T"}) {
            assertTrue(text.contains(expected), expected + " in " + text);
        }
        assertEquals(10, text.split("<record>", -1).length - 1, "the latest 10 records");
        assertFalse(text.contains("send-timing"), "a data plane that does not measure it shows no send-timing");
    }

    /**
     * The data plane's send-time error is node-wide state under data-plane, in nanoseconds, and
     * clear-statistics all starts it again from zero.
     */
    @Test
    void sendTimingOfTheDataPlaneFitsTheModelAndIsCleared() throws Exception {
        var plane = new FakeDataPlane();
        plane.sendTiming = new SendTimingRecorder();
        var manager = new SessionManager(plane, SessionEvents.IGNORE);
        for (int i = 1; i <= 100; i++) {
            plane.sendTiming.record(0, i * 1000L); // 1 .. 100 µs late
        }
        String text = acceptedAsXml(StateTree.build(PlaneSettings.SOCKET, DesiredSessions.NONE, plane.counters(),
                manager.sendTiming(), Map.of(), List.of(), List.of()));
        String timing = text.substring(text.indexOf("<send-timing>"), text.indexOf("</send-timing>"));
        for (String expected : new String[] {"<packets>100</packets>", "<p50>50", "<p99>99", "<max>100"}) {
            assertTrue(timing.contains(expected), expected + " in " + timing);
        }

        manager.clearAll();
        assertEquals(0, manager.sendTiming().orElseThrow().count(), "cleared by clear-statistics all");
        plane.sendTiming.record(0, 2_000_000);
        plane.sendTiming.record(0, 3_000_000);
        var afterClear = manager.sendTiming().orElseThrow();
        assertEquals(2, afterClear.count());
        assertTrue(afterClear.percentileNanos(50) >= 1_990_000, "only the packets since the clear: " + afterClear);
        text = acceptedAsXml(StateTree.build(PlaneSettings.SOCKET, DesiredSessions.NONE, plane.counters(),
                manager.sendTiming(), Map.of(), List.of(), List.of()));
        assertTrue(text.contains("<packets>2</packets>"), text);
    }

    /**
     * On the xdp plane the state names the plane, its interface and mode, lists the programs'
     * counters, and gives each reflector session the count it had answered in the kernel; the
     * model accepts all of it.
     */
    @Test
    void theXdpPlaneShowsItsProgramsAndInKernelCounts() throws Exception {
        var plane = new FakeDataPlane();
        plane.plane = PlaneSettings.xdp("rfl0", io.stampd.sys.bpf.Xdp.Mode.GENERIC);
        var manager = new SessionManager(plane, SessionEvents.IGNORE);
        ReflectorSessionConfig r = new ReflectorSessionConfig(3, ReflectorSessionConfig.ANY_SSID, null, 0, null, 862,
                List.of(), null, true, null);
        var desired = new DesiredSessions(Map.of(), Map.of(3L, new ReflectorIntent(r, true)), true, true, plane.plane);
        manager.apply(desired);
        plane.reflectors.getFirst().counters = new io.stampd.dataplane.ReflectorCounters(120, 120, 0, 119, 119, 100);
        String text = acceptedAsXml(StateTree.build(plane.plane(), desired, plane.counters(), manager.sendTiming(),
                Map.of("reflector/tx", 100L, "reflector/tlv", 20L), List.of(), manager.reflectors()));
        for (String expected : new String[] {"<type>xdp</type>", "<interface>rfl0</interface>",
            "<xdp-mode>generic</xdp-mode>", "<name>reflector/tx</name>", "<packets>100</packets>",
            "<name>reflector/tlv</name>", "<in-kernel-packets>100</in-kernel-packets>", "<sent-packets>120</sent-packets>"}) {
            assertTrue(text.contains(expected), expected + " in " + text);
        }
    }

    /** Stores {@code state} in an operational datastore of the model (which validates it) and returns its XML. */
    private static String acceptedAsXml(ContainerNode state) throws Exception {
        var models = YangModels.load();
        var executor = Executors.newSingleThreadExecutor();
        var store = new InMemoryDOMDataStore("OPERATIONAL", LogicalDatastoreType.OPERATIONAL, executor, 100, false);
        store.onModelContextUpdated(models.context());
        try (var broker = new SerializedDOMDataBroker(Map.<LogicalDatastoreType, DOMStore>of(
                LogicalDatastoreType.OPERATIONAL, store), executor)) {
            var tx = broker.newWriteOnlyTransaction();
            tx.put(LogicalDatastoreType.OPERATIONAL, YangInstanceIdentifier.of(StateTree.STAMP_STATE), state);
            tx.commit().get();
        } finally {
            executor.shutdownNow();
        }

        var out = new ByteArrayOutputStream();
        var xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
        var writer = NormalizedNodeWriter.forStreamWriter(XMLStreamNormalizedNodeStreamWriter.create(xml,
                models.context()));
        writer.write(state);
        writer.flush();
        return out.toString();
    }
}
