package io.stampd.tools.bench.pdr;

import io.stampd.dataplane.bench.StampKind;
import io.stampd.dataplane.bench.TrafficConfig;
import io.stampd.dataplane.bench.TrafficGenerator;
import io.stampd.dataplane.bench.TrialResult;
import io.stampd.dataplane.bench.XdpSink;
import io.stampd.sys.bpf.NetNamespace;
import io.stampd.sys.bpf.Xdp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;

/**
 * The PDR search's load: the BPF generator in the generator namespace (live frames where the kernel
 * permits them, else TC bursts on the generator's interface), an XDP sink counting the data frames
 * the router forwarded, and one on the generator's own interface that absorbs what comes back
 * (reflected test packets, the collector's own probes).
 */
final class BpfLoadPort implements LoadPort {
    private static final int DATA_SOURCE_PORT = 10_000;
    private static final int DATA_PORT = 9;
    /** Data frames spread over this many UDP source ports, as several flows would. */
    private static final int DATA_FLOWS = 16;
    private static final int SENDER_SOURCE_PORT = 10_862;
    private static final int SENDER_SSID = 1;

    private final RouterTopology topo;
    private final TrafficGenerator generator;
    private final XdpSink sink;
    private final XdpSink returnSink;
    private final TrafficConfig base;

    private BpfLoadPort(RouterTopology topo, TrafficGenerator generator, XdpSink sink, XdpSink returnSink,
                        TrafficConfig base) {
        this.topo = topo;
        this.generator = generator;
        this.sink = sink;
        this.returnSink = returnSink;
        this.base = base;
    }

    static BpfLoadPort open(RouterTopology topo) throws Exception {
        XdpSink sink = NetNamespace.callIn(topo.sinkNs(),
                () -> XdpSink.attach(topo.sinkDev(), Xdp.Mode.NATIVE, DATA_PORT));
        XdpSink returnSink = null;
        TrafficGenerator generator = null;
        try {
            returnSink = NetNamespace.callIn(topo.genNs(),
                    () -> XdpSink.attach(topo.genDev(), Xdp.Mode.NATIVE, StampRole.REFLECTOR_PORT));
            generator = TrafficGenerator.open();
            TrafficConfig base = TrafficConfig.builder()
                    .namespace(topo.genNs())
                    .device(topo.genDev())
                    .destinationMac(HexFormat.ofDelimiter(":").parseHex(topo.routerInMac()))
                    .source(v6(topo.genAddr()))
                    .dataDestination(v6(topo.dataDst()))
                    .dataSourcePort(DATA_SOURCE_PORT)
                    .dataPort(DATA_PORT)
                    .flows(DATA_FLOWS)
                    .frameLength(TrafficConfig.DEFAULT_FRAME_LENGTH)
                    .stampDestination(v6(topo.routerAddr()))
                    .stampSourcePort(SENDER_SOURCE_PORT)
                    .stampPort(StampRole.REFLECTOR_PORT)
                    .stampPpm(0)
                    .stampKind(StampKind.SENDER)
                    .ssid(SENDER_SSID)
                    .build();
            BpfLoadPort port = new BpfLoadPort(topo, generator, sink, returnSink, base);
            port.configure(StampRole.NONE, 0);
            return port;
        } catch (Exception | Error e) {
            if (generator != null) {
                generator.close();
            }
            detach(topo.genNs(), returnSink);
            detach(topo.sinkNs(), sink);
            throw e;
        }
    }

    @Override
    public String generator() {
        return generator.method() + " (" + generator.methodReason() + ")";
    }

    @Override
    public void configure(StampRole role, double stampSharePct) {
        TrafficConfig.Builder b = base.toBuilder().stampPercent(stampSharePct);
        if (role == StampRole.COLLECTOR) {
            // Reflected packets, as a reflector on the generator would send them to the collector's session.
            b.stampKind(StampKind.REFLECTOR).stampSourcePort(StampRole.REFLECTOR_PORT)
                    .stampPort(StampRole.COLLECTOR_PORT).ssid(StampRole.COLLECTOR_SSID);
        }
        generator.configure(b.build());
    }

    @Override
    public Sent send(long frames, long ratePps) {
        TrialResult r = generator.run(frames, ratePps);
        if (r.interrupted()) {
            throw new IllegalStateException("the generator's run (" + r.method() + ") was interrupted");
        }
        return new Sent(r.sent(), r.stamp(), r.spanNanos() > 0 ? r.spanNanos() : r.wallNanos(), r.resyncs());
    }

    @Override
    public long sinkPackets() {
        return sink.counts().packets();
    }

    @Override
    public void close() {
        generator.close();
        detach(topo.genNs(), returnSink);
        detach(topo.sinkNs(), sink);
    }

    private static void detach(String ns, XdpSink s) {
        if (s == null) {
            return;
        }
        try {
            NetNamespace.callIn(ns, () -> {
                s.detach();
                return null;
            });
        } catch (Exception e) {
            System.err.println("bench-pdr: cannot detach the XDP sink from " + s.device() + " in " + ns + ": "
                    + e.getMessage());
        }
    }

    private static Inet6Address v6(String literal) {
        if (InetAddress.ofLiteral(literal) instanceof Inet6Address a) {
            return a;
        }
        throw new IllegalArgumentException("not an IPv6 address: " + literal);
    }
}
