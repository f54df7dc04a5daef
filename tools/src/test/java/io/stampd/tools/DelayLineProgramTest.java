package io.stampd.tools;

import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfTestRun;
import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which frames the delay line touches, run in the kernel with BPF_PROG_TEST_RUN at 100 % loss (a
 * touched frame is dropped, an untouched one passes): IPv6 and IPv4 datagrams and echoes are
 * touched; ICMPv6/ICMP other than echo, ARP, and IPv4 headers that are cut short or malformed are
 * not. The frames are built here octet by octet, not with the program's structures.
 */
@Tag("netns")
class DelayLineProgramTest {
    private static final int XDP_DROP = 1;
    private static final int XDP_PASS = 2;

    @Test
    void ipv4IsDelayedLikeIpv6AndArpAndIcmpErrorsAreNot() {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (BpfObject object = BpfObject.openResource(DelayLineCommand.OBJECT_RESOURCE).load()) {
            BpfMap cfg = object.map(DelayLineCommand.CONFIG_MAP);
            // struct delay_line_cfg: delay_ns 0, loss_ppm 1000000 (every touched frame dropped)
            cfg.update(BpfMap.indexKey(0), ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0)
                    .putInt(1_000_000).putInt(0).array());
            int fd = object.programFd(DelayLineCommand.PROGRAM);

            assertEquals(XDP_DROP, run(fd, ipv4(17, 5, 0, new byte[12])), "IPv4 UDP");
            assertEquals(XDP_DROP, run(fd, ipv4(1, 5, 0, new byte[] {8, 0, 0, 0, 0, 1, 0, 1})), "ICMP echo request");
            assertEquals(XDP_DROP, run(fd, ipv4(1, 5, 0, new byte[] {0, 0, 0, 0, 0, 1, 0, 1})), "ICMP echo reply");
            assertEquals(XDP_DROP, run(fd, ipv4(1, 6, 0, new byte[] {0, 0, 0, 0, 8, 0, 0, 0})),
                    "ICMP echo request after a 24-octet header (the options skipped)");
            assertEquals(XDP_PASS, run(fd, ipv4(1, 5, 0, new byte[] {3, 3, 0, 0, 0, 0, 0, 0})),
                    "ICMP destination unreachable");
            assertEquals(XDP_PASS, run(fd, ipv4(1, 5, 0x0010, new byte[] {8, 0, 0, 0})),
                    "a later fragment of ICMP: no ICMP header to read");
            assertEquals(XDP_PASS, run(fd, ipv4(17, 4, 0, new byte[12])), "IHL 4: not IPv4");
            assertEquals(XDP_PASS, run(fd, java.util.Arrays.copyOf(ipv4(1, 15, 0, new byte[8]), 14 + 20 + 8)),
                    "ICMP with IHL 15, its header past the end of the frame");
            byte[] cut = new byte[14 + 12];
            System.arraycopy(ipv4(17, 5, 0, new byte[0]), 0, cut, 0, cut.length);
            assertEquals(XDP_PASS, run(fd, cut), "IPv4 header cut short");
            assertEquals(XDP_PASS, run(fd, arp()), "ARP");
            assertEquals(XDP_DROP, run(fd, ipv6(17, 0)), "IPv6 UDP");
            assertEquals(XDP_DROP, run(fd, ipv6(58, 128)), "ICMPv6 echo request");
            assertEquals(XDP_PASS, run(fd, ipv6(58, 135)), "ICMPv6 neighbour solicitation");
        }
    }

    private static int run(int fd, byte[] frame) {
        return BpfTestRun.runXdp(fd, frame, 0).retval();
    }

    private static ByteBuffer ethernet(int etherType, int payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) etherType);
        return b;
    }

    /** Ethernet + IPv4 (IHL {@code ihl} words, options zero) + {@code payload}; 10.12.0.1 -> 10.23.0.3. */
    private static byte[] ipv4(int protocol, int ihl, int fragment, byte[] payload) {
        int header = Math.max(ihl, 5) * 4;
        ByteBuffer b = ethernet(0x0800, header + payload.length);
        b.put((byte) (0x40 | ihl)).put((byte) 0).putShort((short) (header + payload.length)).putShort((short) 1)
                .putShort((short) fragment).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(new byte[] {10, 12, 0, 1}).put(new byte[] {10, 23, 0, 3});
        b.position(14 + header).put(payload);
        return b.array();
    }

    private static byte[] ipv6(int nextHeader, int firstPayloadOctet) {
        ByteBuffer b = ethernet(0x86DD, 40 + 8);
        b.putInt(0x6000_0000).putShort((short) 8).put((byte) nextHeader).put((byte) 64);
        b.put(new byte[] {(byte) 0xfd, 0, 0, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        b.put(new byte[] {(byte) 0xfd, 0, 0, 0x23, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3});
        b.put((byte) firstPayloadOctet);
        return b.array();
    }

    private static byte[] arp() {
        ByteBuffer b = ethernet(0x0806, 28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        return b.array();
    }
}
