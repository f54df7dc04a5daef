package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.session.ClassOfServicePolicy;
import io.stampd.dataplane.session.ClassOfServiceRequest;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.codec.xml.XmlParserStream;
import org.opendaylight.yangtools.yang.data.impl.schema.ImmutableNormalizedNodeStreamWriter;
import org.opendaylight.yangtools.yang.data.impl.schema.NormalizationResultHolder;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.SchemaContext;

/**
 * The sample configuration of yang/examples, read by OpenDaylight's XML codec against the
 * runtime-parsed model, turns into the engine's sessions; broken variants are refused with the
 * offending node's path.
 */
class StampConfigCheckTest {
    private static final Path EXAMPLE = Path.of("../yang/examples/sender-and-reflector-config.xml");
    private static YangModels models;
    private static String example;

    @BeforeAll
    static void load() throws Exception {
        models = YangModels.load();
        example = Files.readString(EXAMPLE);
    }

    private static Optional<ContainerNode> root(String xml) throws Exception {
        // Parsed at the schema root, the outer element is the datastore (as NETCONF's <config>).
        String body = xml.substring(xml.indexOf("?>") + 2);
        String doc = "<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">" + body + "</config>";
        var holder = new NormalizationResultHolder();
        var reader = XMLInputFactory.newInstance().createXMLStreamReader(new StringReader(doc));
        XmlParserStream.create(ImmutableNormalizedNodeStreamWriter.from(holder), models.context()).parse(reader);
        var root = (ContainerNode) holder.getResult().data();
        return Optional.of(ImmutableNodes.newContainerBuilder()
                .withNodeIdentifier(NodeIdentifier.create(SchemaContext.NAME)).withValue(root.body()).build());
    }

    @Test
    void exampleBecomesEngineSessions() throws Exception {
        var s = StampConfigCheck.sessions(root(example));
        assertEquals(2, s.senders().size());
        assertEquals(2, s.reflectors().size());
        var first = s.senders().getFirst();
        assertEquals(1, first.id());
        assertEquals(3, first.forwardSegments().size());
        assertEquals(100_000_000L, first.intervalNanos());
        assertArrayEquals(HexFormat.of().parseHex("00112233445566778899aabbccddeeff"), first.hmacKey(),
                "key taken from key chain 'lab'");
        var second = s.senders().get(1);
        assertEquals(8620, second.reflectorPort());
        assertEquals(1000, second.packetCount());
        assertEquals(2, second.ssid(), "ssid defaults to the low 16 bits of stamp-session-id");
        assertEquals(256, second.packetLength());
        ReflectorSessionConfig r = s.reflectors().get(1);
        assertEquals(ReflectorSessionConfig.ANY_SSID, r.ssid());
        assertNull(r.senderAddress());
        assertTrue(r.stateful(), "reflector-mode-state stateful applies to every session");
    }

    @Test
    void rateLimitsReachTheSessionsAndTheNode() throws Exception {
        var s = StampConfigCheck.sessions(root(example));
        assertNull(s.reflectors().get(0).rateLimit(), "no rate-limit container: unlimited");
        assertEquals(new RateLimit(200, RateLimit.DEFAULT_BURST), s.reflectors().get(1).rateLimit(),
                "burst defaults to 10");
        assertEquals(new RateLimit(1000, 50), s.perSourceRateLimit());
        String noRate = example.replace("<packets-per-second>200</packets-per-second>", "<burst>5</burst>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(noRate)));
        assertEquals("/stamp/stamp-session-reflector/reflector-test-session[session-index='11']/rate-limit"
                + "/packets-per-second", e.path());
        assertEquals(ErrorTag.DATA_MISSING, e.tag());
        assertTrue(e.getMessage().contains("rate-limit needs packets-per-second"), e.getMessage());
    }

    @Test
    void shortTestPacketsAreAnsweredOnlyWhereTheOperatorSaysSo() throws Exception {
        var s = StampConfigCheck.sessions(root(example));
        assertFalse(s.reflectors().get(0).acceptShortTestPackets(), "off by default for NETCONF sessions");
        String twampLight = example.replace("<reflector-udp-port>862</reflector-udp-port>\n      <return-path>",
                "<reflector-udp-port>862</reflector-udp-port>\n"
                + "      <accept-short-test-packets>true</accept-short-test-packets>\n      <return-path>");
        assertTrue(twampLight.contains("accept-short-test-packets"));
        var t = StampConfigCheck.sessions(root(twampLight));
        assertTrue(t.reflectors().get(0).acceptShortTestPackets());
        assertFalse(t.reflectors().get(1).acceptShortTestPackets());
    }

    @Test
    void classOfServiceAndEcnReachTheSessions() throws Exception {
        var plain = StampConfigCheck.sessions(root(example));
        assertEquals(0, plain.senders().get(1).ecn());
        assertNull(plain.senders().get(1).classOfService(), "no TLV without the container");
        assertEquals(ClassOfServicePolicy.DEFAULT, plain.reflectors().get(0).classOfService());
        assertEquals(new ClassOfServicePolicy(46, true, true), plain.reflectors().get(1).classOfService(),
                "dscp-handling-mode use-configured-value with dscp-value 46");
        String cos = example.replace("<packet-length>256</packet-length>", "<packet-length>256</packet-length>\n"
                        + "      <dscp-value>10</dscp-value><ecn-value>ect0</ecn-value>\n"
                        + "      <class-of-service><reply-dscp>46</reply-dscp><reply-ecn>ect1</reply-ecn></class-of-service>")
                .replace("<dscp-value>46</dscp-value>", "<dscp-value>34</dscp-value>\n"
                        + "      <allow-reply-dscp>false</allow-reply-dscp><allow-reply-ecn>false</allow-reply-ecn>");
        var s = StampConfigCheck.sessions(root(cos));
        var sender = s.senders().get(1);
        assertEquals(10 << 2 | 2, sender.trafficClass(), "DSCP 10, ECT(0)");
        assertEquals(new ClassOfServiceRequest(46, 1), sender.classOfService());
        assertEquals(new ClassOfServicePolicy(34, false, false), s.reflectors().get(1).classOfService());
        assertEquals(ClassOfServicePolicy.DEFAULT, s.reflectors().get(0).classOfService());
    }

    @Test
    void aPacketTooShortForTheClassOfServiceTlvIsRefusedNamingTheSession() throws Exception {
        String bad = example.replace("<packet-length>256</packet-length>", "<packet-length>48</packet-length>\n"
                + "      <class-of-service><reply-dscp>46</reply-dscp></class-of-service>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(bad)));
        assertEquals("/stamp/stamp-session-sender/sender-test-session[stamp-session-id='2']", e.path());
        assertTrue(e.getMessage().contains("no room for the Class of Service TLV: it needs 140 octets (with the HMAC TLV)"), e.getMessage());
    }

    @Test
    void forwardPathMustEndAtTheReflector() throws Exception {
        String bad = example.replace("<segment>2001:db8:b::1</segment>\n      </forward-path>",
                "<segment>fc00:3::e</segment>\n      </forward-path>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(bad)));
        assertEquals("/stamp/stamp-session-sender/sender-test-session[stamp-session-id='1']", e.path());
        assertTrue(e.getMessage().contains("must end at the reflector"), e.getMessage());
    }

    @Test
    void senderSessionsMustNotShareSsidReflectorAndPort() throws Exception {
        String bad = example.replace("<stamp-session-id>2</stamp-session-id>",
                "<stamp-session-id>2</stamp-session-id><ssid>1</ssid>")
                .replace("<session-reflector-udp-port>8620</session-reflector-udp-port>",
                        "<session-reflector-udp-port>862</session-reflector-udp-port>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(bad)));
        assertEquals(ErrorTag.DATA_EXISTS, e.tag());
        assertEquals("/stamp/stamp-session-sender/sender-test-session[stamp-session-id='2']", e.path());
        assertEquals("sender session 2 has the same ssid 1, reflector and reflector port as sender session 1",
                e.getMessage());
        // Another ssid: accepted.
        StampConfigCheck.sessions(root(bad.replace("<stamp-session-id>2</stamp-session-id><ssid>1</ssid>",
                "<stamp-session-id>2</stamp-session-id><ssid>3</ssid>")));
    }

    @Test
    void keyChainMustExist() throws Exception {
        String bad = example.replace("<key-chain>lab</key-chain>", "<key-chain>nope</key-chain>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(bad)));
        assertEquals(ErrorTag.DATA_MISSING, e.tag());
        assertTrue(e.path().endsWith("/security/key-chain"), e.path());
    }

    @Test
    void reflectorSessionsMustNotClaimTheSamePackets() throws Exception {
        // Session 11 (any SSID, any sender) moved onto session 10's port would also take 10's packets.
        String bad = example.replace("<reflector-udp-port>8620</reflector-udp-port>",
                "<reflector-udp-port>862</reflector-udp-port>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(bad)));
        assertEquals(ErrorTag.DATA_EXISTS, e.tag());
        assertTrue(e.path().contains("session-index='11'"), e.path());
    }

    @Test
    void delayBinEdgesMustBeStrictlyIncreasing() throws Exception {
        String bad = example.replace("<interval>100000</interval>", "<interval>100000</interval>"
                + "<delay-bin-edge>0</delay-bin-edge><delay-bin-edge>5000</delay-bin-edge>"
                + "<delay-bin-edge>2000</delay-bin-edge>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(bad)));
        assertTrue(e.path().endsWith("sender-test-session[stamp-session-id='1']/delay-bin-edge"), e.path());
        assertTrue(e.getMessage().contains("strictly increasing") && e.getMessage().contains("2000 follows 5000"),
                e.getMessage());
    }

    @Test
    void delayBinEdgesInOrderAreTakenAndAbsentOnesDefault() throws Exception {
        String good = example.replace("<interval>100000</interval>", "<interval>100000</interval>"
                + "<delay-bin-edge>0</delay-bin-edge><delay-bin-edge>1000</delay-bin-edge>"
                + "<delay-bin-edge>3000</delay-bin-edge>");
        StampConfigCheck.sessions(root(good));
        assertEquals(java.util.List.of(0L, 5_000L, 10_000L, 20_000L, 50_000L),
                StampConfigCheck.delayBinEdges(null, "/"));
    }

    @Test
    void thresholdClearMustNotExceedRaise() throws Exception {
        String bad = example.replace("<clear>6000000</clear>", "<clear>9000000</clear>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(bad)));
        assertTrue(e.path().endsWith("/thresholds/delay-threshold[metric='two-way-delay']/clear"), e.path());
    }

    @Test
    void senderSessionsAreUniquePerSsidAndReflector() throws Exception {
        // Session 2 (ssid 2 by default) made to look like session 1 (ssid 1, same reflector and port).
        String bad = example.replace("<session-reflector-udp-port>8620</session-reflector-udp-port>",
                "<ssid>1</ssid><session-reflector-udp-port>862</session-reflector-udp-port>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(bad)));
        assertEquals(ErrorTag.DATA_EXISTS, e.tag());
        assertTrue(e.path().contains("stamp-session-id='2'"), e.path());
    }

    private static org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode stamp(String xml) throws Exception {
        return root(xml).flatMap(r -> StampConfigCheck.child(r, "stamp")).orElseThrow();
    }

    @Test
    void afPacketDataPlaneNeedsAnInterface() throws Exception {
        String ok = example.replace("<type>socket</type>", "<type>af-packet</type><interface>eth0</interface>");
        assertEquals(io.stampd.dataplane.PlaneSettings.afPacket("eth0"), StampConfigCheck.plane(stamp(ok)));
        String bad = example.replace("<type>socket</type>", "<type>af-packet</type>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.plane(stamp(bad)));
        assertEquals(ErrorTag.DATA_MISSING, e.tag());
        assertEquals("/stamp/data-plane/interface", e.path());
    }

    @Test
    void unknownDataPlaneIsNotEvenParsed() {
        String bad = example.replace("<type>socket</type>", "<type>dpdk</type><interface>eth0</interface>");
        assertThrows(Exception.class, () -> root(bad), "the enumeration has no dpdk");
    }

    // ---- IPv4 sessions (yang/examples/ipv4-sessions-config.xml) ---------------------------------

    private static String ipv4Example() throws Exception {
        return Files.readString(Path.of("../yang/examples/ipv4-sessions-config.xml"));
    }

    @Test
    void ipv4SessionsBecomeEngineSessionsOnTheSocketPlane() throws Exception {
        var s = StampConfigCheck.sessions(root(ipv4Example()));
        var sender = s.senders().getFirst();
        assertEquals("192.0.2.3", io.stampd.dataplane.session.Ipv6Addresses.format(sender.reflectorAddress()));
        assertTrue(io.stampd.dataplane.session.PeerAddresses.isIpv4(sender.senderAddress()));
        var reflector = s.reflectors().getFirst();
        assertEquals("192.0.2.3", io.stampd.dataplane.session.Ipv6Addresses.format(reflector.senderAddress()));
    }

    @Test
    void ipv4SessionsAreRefusedOnTheXdpAndAfPacketPlanes() throws Exception {
        String xdp = ipv4Example().replace("<type>socket</type>",
                "<type>xdp</type><interface>eth1</interface>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(xdp)));
        assertEquals(ErrorTag.OPERATION_NOT_SUPPORTED, e.tag());
        assertEquals("/stamp/stamp-session-sender/sender-test-session[stamp-session-id='4']/session-reflector-ip",
                e.path());
        assertEquals("sender session 4 (reflector 192.0.2.3) is IPv4, which the xdp data plane does not support:"
                + " IPv4 is supported on the socket data plane only", e.getMessage());
        String afPacket = ipv4Example().replace("<type>socket</type>",
                "<type>af-packet</type><interface>eth1</interface>")
                .replaceAll("(?s)<stamp-session-sender>.*</stamp-session-sender>", "");
        e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(afPacket)));
        assertEquals("/stamp/stamp-session-reflector/reflector-test-session[session-index='40']/sender-ip",
                e.path());
        assertTrue(e.getMessage().startsWith("reflector session 40 (192.0.2.3) is IPv4, which the af-packet data"
                + " plane does not support"), e.getMessage());
    }

    @Test
    void aSessionsAddressesMustBeOfOneIpVersion() throws Exception {
        String mixed = ipv4Example().replace("<sender-ip>192.0.2.1</sender-ip>", "<sender-ip>2001:db8::1</sender-ip>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(mixed)));
        assertEquals("/stamp/stamp-session-sender/sender-test-session[stamp-session-id='4']/sender-ip", e.path());
        assertEquals("sender session 4: sender address 2001:db8::1 is IPv6 but reflector address 192.0.2.3 is IPv4;"
                + " both must be of the same IP version", e.getMessage());
        String mixedReflector = ipv4Example().replace("<reflector-ip>192.0.2.1</reflector-ip>",
                "<reflector-ip>2001:db8::1</reflector-ip>");
        e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(mixedReflector)));
        assertEquals("/stamp/stamp-session-reflector/reflector-test-session[session-index='40']/reflector-ip",
                e.path());
    }

    @Test
    void anIpv4SessionHasNoSegmentList() throws Exception {
        String srv6 = ipv4Example().replace("<dscp-value>34</dscp-value>",
                "<dscp-value>34</dscp-value><forward-path><segment>fc00:1::e</segment></forward-path>");
        var e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(srv6)));
        assertEquals("/stamp/stamp-session-sender/sender-test-session[stamp-session-id='4']/forward-path", e.path());
        assertEquals("sender session 4: an IPv4 session (192.0.2.3) cannot have an SRv6 segment list: SRv6 segments"
                + " are IPv6; remove it or use IPv6 addresses", e.getMessage());
        String back = ipv4Example().replace("<reflector-ip>192.0.2.1</reflector-ip>",
                "<reflector-ip>192.0.2.1</reflector-ip><return-path><segment>fc00:1::e</segment></return-path>");
        e = assertThrows(CommitVetoException.class, () -> StampConfigCheck.sessions(root(back)));
        assertEquals("/stamp/stamp-session-reflector/reflector-test-session[session-index='40']/return-path",
                e.path());
    }
}
