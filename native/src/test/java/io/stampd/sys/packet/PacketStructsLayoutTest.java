package io.stampd.sys.packet;

import io.stampd.sys.CStructCheck;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PacketStructs} against linux/if_packet.h and linux/filter.h: every layout member and every constant. */
class PacketStructsLayoutTest {
    private static final Map<String, String> DERIVED = Map.ofEntries(
            Map.entry("BLOCK_STATUS", "offsetof(struct tpacket_block_desc, hdr.bh1.block_status)"),
            Map.entry("BLOCK_NUM_PKTS", "offsetof(struct tpacket_block_desc, hdr.bh1.num_pkts)"),
            Map.entry("BLOCK_FIRST_PKT", "offsetof(struct tpacket_block_desc, hdr.bh1.offset_to_first_pkt)"),
            Map.entry("FRAME_NEXT", "offsetof(struct tpacket3_hdr, tp_next_offset)"),
            Map.entry("FRAME_SEC", "offsetof(struct tpacket3_hdr, tp_sec)"),
            Map.entry("FRAME_NSEC", "offsetof(struct tpacket3_hdr, tp_nsec)"),
            Map.entry("FRAME_SNAPLEN", "offsetof(struct tpacket3_hdr, tp_snaplen)"),
            Map.entry("FRAME_LEN", "offsetof(struct tpacket3_hdr, tp_len)"),
            Map.entry("FRAME_STATUS", "offsetof(struct tpacket3_hdr, tp_status)"),
            Map.entry("FRAME_MAC", "offsetof(struct tpacket3_hdr, tp_mac)"),
            Map.entry("FRAME_NET", "offsetof(struct tpacket3_hdr, tp_net)"),
            Map.entry("SLL_FAMILY", "offsetof(struct sockaddr_ll, sll_family)"),
            Map.entry("SLL_PROTOCOL", "offsetof(struct sockaddr_ll, sll_protocol)"),
            Map.entry("SLL_IFINDEX", "offsetof(struct sockaddr_ll, sll_ifindex)"),
            Map.entry("SOCKADDR_LL_SIZE", "sizeof(struct sockaddr_ll)"),
            // bit 31 of a __u32 status word, held in a Java int
            Map.entry("TP_STATUS_TS_RAW_HARDWARE", "(int) TP_STATUS_TS_RAW_HARDWARE"));

    private static CStructCheck headers() {
        return CStructCheck.including("sys/socket.h", "sys/mman.h", "linux/if_packet.h", "linux/if_ether.h",
                "linux/filter.h");
    }

    @Test
    void layoutsMatchTheHeaders() {
        headers()
                .struct("struct tpacket_req3", PacketStructs.TPACKET_REQ3)
                .struct("struct tpacket_bd_ts", PacketStructs.TPACKET_BD_TS)
                .struct("struct tpacket_hdr_v1", PacketStructs.TPACKET_HDR_V1)
                .struct("struct tpacket3_hdr", PacketStructs.TPACKET3_HDR)
                .struct("struct sockaddr_ll", PacketStructs.SOCKADDR_LL)
                .struct("struct tpacket_stats_v3", PacketStructs.TPACKET_STATS_V3)
                .struct("struct sock_filter", PacketStructs.SOCK_FILTER)
                .struct("struct sock_fprog", PacketStructs.SOCK_FPROG)
                .assertMatches();
    }

    @Test
    void everyConstantMatchesTheHeaders() throws IllegalAccessException {
        CStructCheck check = headers();
        int count = 0;
        for (Field f : PacketStructs.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && f.getType() == int.class) {
                String name = f.getName();
                check.constant("PacketStructs." + name, DERIVED.getOrDefault(name, name), f.getInt(null));
                count++;
            }
        }
        assertTrue(count > 35, "only " + count + " constants");
        check.assertMatches();
    }
}
