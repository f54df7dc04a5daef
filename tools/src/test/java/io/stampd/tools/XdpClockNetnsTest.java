package io.stampd.tools;

import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.sys.Libc;
import io.stampd.dataplane.codec.UdpChecksum;
import io.stampd.sys.bpf.BpfTestRun;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.NetNamespace;
import io.stampd.sys.bpf.Xdp;
import io.stampd.tools.StampCli.Reflector;
import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The XDP reflector's clock: it reads the kernel's TAI clock (bpf_ktime_get_tai_ns) and must write
 * exactly what the socket plane writes at the same instant (CLOCK_REALTIME through the codec),
 * whatever the kernel's TAI offset is: 0 on many machines, 37 s under a synchronised PTP stack.
 * The test sets the offset with adjtimex (ADJ_TAI) and restores it afterwards.
 */
@Tag("netns")
class XdpClockNetnsTest {
    /** struct timex of x86-64/aarch64 glibc: modes at 0 (u32), constant at 48 (long), tai at 160 (int). */
    private static final long TIMEX_SIZE = 208;
    private static final long TIMEX_CONSTANT = 48;
    private static final int ADJ_TAI = 0x0080;
    private static final long SLACK_NS = 20_000;

    /** Sets the kernel's TAI offset (CAP_SYS_TIME). */
    @SuppressWarnings("restricted")
    private static void setTaiOffset(int seconds) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle adjtimex = linker.downcallHandle(linker.defaultLookup().find("adjtimex").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment timex = a.allocate(TIMEX_SIZE, 8);
            timex.set(JAVA_INT, 0, ADJ_TAI);
            timex.set(JAVA_LONG, TIMEX_CONSTANT, seconds);
            int r = (int) adjtimex.invokeExact(timex);
            assertTrue(r >= 0, "adjtimex(ADJ_TAI, " + seconds + ") failed");
        }
        assertEquals(seconds, Libc.taiOffsetSeconds(), "the kernel's TAI offset");
    }

    /** T2 and T3 of one reply, decoded, and the clock readings around request and reply. */
    private record Exchange(long sentAt, long t2, long t3, long receivedAt) {
    }

    /**
     * Sends {@code count} base packets from the sender's namespace (plain IPv6, no SRH needed) and
     * returns T2/T3 of each reply with CLOCK_REALTIME read before the send and after the reply.
     */
    private static List<Exchange> exchange(Testbed tb, TimestampFormat format, int count) throws Exception {
        Inet6Address reflector = (Inet6Address) InetAddress.getByName(tb.reflectorAddr());
        Inet6Address sender = (Inet6Address) InetAddress.getByName(tb.senderAddr());
        return NetNamespace.callIn(tb.senderNs(), () -> {
            List<Exchange> out = new ArrayList<>();
            try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                ch.bind(new InetSocketAddress(sender, 0));
                ch.connect(new InetSocketAddress(reflector, 862));
                ByteBuffer in = ByteBuffer.allocate(256);
                for (int i = 0; i < count; i++) {
                    ByteBuffer req = ByteBuffer.allocate(44);
                    long before = Libc.realtimeNanos();
                    StampLayout.UNAUTHENTICATED.writeSender(MemorySegment.ofBuffer(req), i,
                            Timestamps.encode(before, format), (short) 1, 1);
                    ch.write(req);
                    in.clear();
                    ch.read(in);
                    long after = Libc.realtimeNanos();
                    MemorySegment p = MemorySegment.ofBuffer(in.flip());
                    out.add(new Exchange(before, Timestamps.decode(StampLayout.UNAUTHENTICATED.receiveTimestamp(p), format),
                            Timestamps.decode(StampLayout.UNAUTHENTICATED.timestamp(p), format), after));
                    Thread.sleep(5);
                }
            }
            return out;
        });
    }

    /**
     * A test packet from the sender to the reflector as it arrives on the reflector's interface
     * (from trn1's MAC to rfl0's, hop limit 63, UDP checksum over the final destination).
     */
    private static byte[] requestFrame(Testbed tb, TimestampFormat format, int seq) throws Exception {
        byte[] src = InetAddress.getByName(tb.senderAddr()).getAddress();
        byte[] dst = InetAddress.getByName(tb.reflectorAddr()).getAddress();
        byte[] payload = new byte[44];
        StampLayout.UNAUTHENTICATED.writeSender(MemorySegment.ofArray(payload), seq,
                Timestamps.encode(Libc.realtimeNanos(), format), (short) 1, 1);
        ByteBuffer udp = ByteBuffer.allocate(8 + payload.length);
        udp.putShort((short) 40000).putShort((short) 862).putShort((short) udp.capacity()).putShort((short) 0).put(payload);
        UdpChecksum.fill(MemorySegment.ofArray(src), 0, MemorySegment.ofArray(dst), 0, MemorySegment.ofArray(udp.array()),
                0, udp.capacity());
        ByteBuffer f = ByteBuffer.allocate(14 + 40 + udp.capacity());
        f.put(NetNamespace.callIn(tb.reflectorNs(), () -> NetInterfaces.macOf(tb.reflectorDev())));
        f.put(NetNamespace.callIn(tb.transitNs(), () -> NetInterfaces.macOf("trn1")));
        f.putShort((short) 0x86DD);
        f.putInt(0x60000000).putShort((short) udp.capacity()).put((byte) 17).put((byte) 63).put(src).put(dst);
        f.put(udp.array());
        return f.array();
    }

    /**
     * T2 and T3 as the attached XDP reflector writes them, against CLOCK_REALTIME read right
     * before and after each BPF_PROG_RUN of it (its own maps: the TAI offset the plane wrote):
     * what the socket plane would have written at those instants.
     */
    private static void sameInstantAsTheSocketPlane(Testbed tb, TimestampFormat format, String what) throws Exception {
        NetNamespace.callIn(tb.reflectorNs(), () -> {
            int ifindex = NetInterfaces.indexOf(tb.reflectorDev());
            int program = Xdp.attachedProgramId(ifindex);
            assertTrue(program > 0, what + ": the xdp reflector is attached");
            for (int i = 0; i < 20; i++) {
                byte[] in = requestFrame(tb, format, 1000 + i);
                long before = Libc.realtimeNanos();
                BpfTestRun.XdpResult r = BpfTestRun.runXdpById(program, in, ifindex);
                long after = Libc.realtimeNanos();
                assertEquals(3 /* XDP_TX */, r.retval(), what + ": the program answers it");
                MemorySegment reply = MemorySegment.ofArray(r.frame()).asSlice(14 + 40 + 40 + 8); // SRH of 2 segments
                long t2 = Timestamps.decode(StampLayout.UNAUTHENTICATED.receiveTimestamp(reply), format);
                long t3 = Timestamps.decode(StampLayout.UNAUTHENTICATED.timestamp(reply), format);
                assertTrue(t2 >= before - SLACK_NS && t2 <= after + SLACK_NS, what + ": T2 " + t2 + " against ["
                        + before + ", " + after + "]");
                assertTrue(t3 > t2 && t3 <= after + SLACK_NS, what + ": T3 " + t3 + " against T2 " + t2 + " and "
                        + after);
            }
            return null;
        });
    }

    /** Forward-delay median of a probe of 50 packets (a socket sender) in {@code format}. */
    private static long forwardMedian(Testbed tb, String format) {
        String out = tb.exec(Duration.ofSeconds(60), tb.senderNs(), tb.stampd(), "probe", "--json", "--segments",
                String.join(",", tb.forwardSegments()), "--count", "50", "--interval", "10ms", "--spin", "2ms",
                "--timestamp", format).requireSuccess().stdout();
        String summary = StampCli.summaryOf(out);
        assertEquals(50, StampCli.field(summary, null, "received"), summary);
        return StampCli.field(summary, "forward", "median_ns");
    }

    /**
     * With the kernel's TAI offset at 0 and at 37 s, in both formats: T2 and T3 of the attached XDP
     * reflector agree with CLOCK_REALTIME at the same instant within 20 µs; real test packets' T2
     * and T3 lie between their send and their reply on both planes; and a socket sender measures
     * the same one-way delay (median of 50) against an xdp reflector as against a socket one.
     */
    @Test
    void theXdpReflectorWritesUtcWhateverTheKernelsTaiOffset() throws Throwable {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        int saved = Libc.taiOffsetSeconds();
        try (Testbed tb = Testbed.up(0, 0)) {
            for (int tai : new int[] {0, 37}) {
                setTaiOffset(tai);
                for (TimestampFormat format : TimestampFormat.values()) {
                    String f = format.name().toLowerCase(java.util.Locale.ROOT);
                    // The xdp reflector follows the offset within a second of its change.
                    Reflector xdp = StampCli.startReflector(tb, "--timestamp", f, "--data-plane", "xdp", "--dev",
                            tb.reflectorDev());
                    Thread.sleep(1500);
                    String what = "TAI offset " + tai + " s, " + format;
                    sameInstantAsTheSocketPlane(tb, format, what);
                    List<Exchange> fromXdp = exchange(tb, format, 40);
                    long xdpForward = forwardMedian(tb, f);
                    String xdpSummary = StampCli.summaryOf(xdp.stop());
                    assertTrue(StampCli.field(xdpSummary, null, "in_kernel") >= 88, "answered in the kernel: "
                            + xdpSummary);
                    Reflector socket = StampCli.startReflector(tb, "--timestamp", f);
                    long socketForward = forwardMedian(tb, f);
                    List<Exchange> fromSocket = exchange(tb, format, 40);
                    socket.stop();

                    for (List<Exchange> list : List.of(fromXdp, fromSocket)) {
                        for (Exchange e : list) {
                            assertTrue(e.t2() >= e.sentAt() - SLACK_NS && e.t2() <= e.receivedAt() + SLACK_NS,
                                    what + ": T2 " + e.t2() + " outside [" + e.sentAt() + ", " + e.receivedAt() + "]");
                            assertTrue(e.t3() >= e.t2() && e.t3() <= e.receivedAt() + SLACK_NS,
                                    what + ": T3 " + e.t3() + " after T2 " + e.t2() + " and before the reply came back");
                        }
                    }
                    System.out.printf("%s: forward delay median a socket sender measures: xdp reflector %d ns, socket"
                            + " reflector %d ns%n", what, xdpForward, socketForward);
                    assertEquals(socketForward, xdpForward, SLACK_NS, what + ": one-way delay a socket sender measures");
                }
            }
        } finally {
            setTaiOffset(saved);
        }
    }
}
