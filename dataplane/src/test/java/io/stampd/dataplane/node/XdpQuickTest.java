package io.stampd.dataplane.node;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.sys.bpf.NetNamespace;
import io.stampd.sys.bpf.Xdp;
import org.junit.jupiter.api.Test;

import java.util.List;

class XdpQuickTest {
    static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        p.waitFor();
    }

    @Test
    void quick() throws Exception {
        String a = "xq-a", b = "xq-b";
        sh("ip", "netns", "add", a);
        sh("ip", "netns", "add", b);
        try {
            sh("ip", "-n", a, "link", "add", "a0", "type", "veth", "peer", "name", "b0", "netns", b);
            sh("ip", "-n", a, "addr", "add", "fd00:a::1/64", "dev", "a0", "nodad");
            sh("ip", "-n", b, "addr", "add", "fd00:a::2/64", "dev", "b0", "nodad");
            sh("ip", "-n", a, "link", "set", "a0", "up");
            sh("ip", "-n", b, "link", "set", "b0", "up");
            sh("ip", "netns", "exec", a, "ping", "-6", "-c", "1", "fd00:a::2");
            sh("ip", "netns", "exec", a, "sysctl", "-qw", "net.ipv6.conf.a0.forwarding=1");
            sh("ip", "netns", "exec", b, "sysctl", "-qw", "net.ipv6.conf.b0.forwarding=1");
            String mode = System.getProperty("plane", "xdp");
            PlaneSettings pa = mode.equals("xdp") ? PlaneSettings.xdp("a0", Xdp.Mode.NATIVE) : PlaneSettings.SOCKET;
            PlaneSettings pb = mode.equals("xdp") ? PlaneSettings.xdp("b0", Xdp.Mode.NATIVE) : PlaneSettings.SOCKET;
            DataPlane reflector = NetNamespace.callIn(b, () -> NodeDataPlane.open(PlaneSettings.SOCKET));
            DataPlane sender = NetNamespace.callIn(a, () -> NodeDataPlane.open(pa));
            try {
                ReflectorHandle r = reflector.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID,
                        null, 0, null, 862, List.of(), TimestampFormat.NTP, true, null));
                SenderSessionConfig c = SenderSessionConfig.builder().reflectorAddress(Ipv6Addresses.parse("fd00:a::2", "x"))
                        .intervalNanos(1_000_000).packetCount(2000).lossTimeoutNanos(1_000_000_000L).recordCapacity(4096).build();
                SenderStatistics st = SenderStatistics.forSession(c);
                var h = sender.startSender(c, st);
                Thread.sleep(400);
                reflector.use(pb);
                Thread.sleep(500);
                System.out.println("while attached: " + reflector.programCounters() + " " + r.counters());
                reflector.use(PlaneSettings.SOCKET);
                Thread.sleep(2000);
                int mism = 0;
                for (var rec : st.drainRecords()) {
                    if (rec.seq() != rec.reflectorSeq() && mism++ < 5) System.out.println("MISMATCH " + rec);
                }
                System.out.println("mismatches " + mism);
                System.out.println("snapshot " + st.snapshot(System.nanoTime()));
                System.out.println("reflector " + r.counters());
                System.out.println("sender collected " + h.collectedInKernel());
                System.out.println("refl prog " + reflector.programCounters());
                System.out.println("send prog " + sender.programCounters());
                System.out.println("refl dp " + reflector.counters() + " send dp " + sender.counters());
                System.out.println("records " + st.latestRecords(3));
            } finally {
                sender.close();
                reflector.close();
            }
        } finally {
            sh("ip", "netns", "del", a);
            sh("ip", "netns", "del", b);
        }
    }
}
