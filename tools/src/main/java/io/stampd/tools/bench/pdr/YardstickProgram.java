package io.stampd.tools.bench.pdr;

import io.stampd.dataplane.bench.XdpSink;
import io.stampd.dataplane.bench.XdpSwapReflector;
import io.stampd.sys.bpf.NetNamespace;
import io.stampd.sys.bpf.Xdp;

import java.util.function.LongSupplier;

/**
 * A yardstick on the router's ingress interface (native XDP): the swap reflector for the reflector
 * role, the counting drop sink for the collector role, the swap reflector answering nothing
 * (xdp-pass) for forwarding with an XDP program attached. Its own counters say how many STAMP frames
 * it handled; they are read from its maps, so they are always fresh.
 */
final class YardstickProgram implements StampHandler {
    private final RouterTopology topo;
    private final LongSupplier processed;
    private final Runnable detach;

    private YardstickProgram(RouterTopology topo, LongSupplier processed, Runnable detach) {
        this.topo = topo;
        this.processed = processed;
        this.detach = detach;
    }

    static YardstickProgram attach(RouterTopology topo, Contender contender) {
        String dev = topo.routerInDev();
        try {
            return switch (contender.plane()) {
                case XDP_SWAP -> {
                    XdpSwapReflector r = NetNamespace.callIn(topo.routerNs(),
                            () -> XdpSwapReflector.attach(dev, Xdp.Mode.NATIVE, StampRole.REFLECTOR_PORT));
                    yield new YardstickProgram(topo, () -> r.counts().reflected(), r::detach);
                }
                case XDP_DROP -> {
                    XdpSink s = NetNamespace.callIn(topo.routerNs(),
                            () -> XdpSink.attach(dev, Xdp.Mode.NATIVE, StampRole.COLLECTOR_PORT));
                    yield new YardstickProgram(topo, () -> s.counts().portPackets(), s::detach);
                }
                case XDP_PASS -> {
                    XdpSwapReflector r = NetNamespace.callIn(topo.routerNs(),
                            () -> XdpSwapReflector.attach(dev, Xdp.Mode.NATIVE, 0));
                    yield new YardstickProgram(topo, () -> r.counts().reflected(), r::detach);
                }
                default -> throw new IllegalArgumentException(contender.label() + " is not a yardstick");
            };
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot attach the " + contender.label() + " yardstick to " + dev
                    + " in " + topo.routerNs() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long freshProcessed() {
        return processed.getAsLong();
    }

    @Override
    public void awaitIdle() {
        // Nothing to settle: the program was compiled when it was loaded.
    }

    @Override
    public void close() {
        try {
            NetNamespace.callIn(topo.routerNs(), () -> {
                detach.run();
                return null;
            });
        } catch (Exception e) {
            System.err.println("bench-pdr: cannot detach the yardstick from " + topo.routerInDev() + ": "
                    + e.getMessage());
        }
    }
}
