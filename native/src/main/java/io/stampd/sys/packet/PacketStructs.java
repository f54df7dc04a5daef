package io.stampd.sys.packet;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The AF_PACKET structs and constants (linux/if_packet.h, linux/filter.h) as FFM layouts, member
 * names as in C: {@code PacketStructsLayoutTest} compares every offset, size and constant with the
 * headers. The offsets the ring code reads are derived from the layouts.
 */
public final class PacketStructs {
    private PacketStructs() {
    }

    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    public static final int SOL_PACKET = 263;
    public static final int ETH_P_IPV6 = 0x86DD;
    public static final int ETH_P_ALL = 0x0003;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_TIMESTAMP = 17;
    public static final int PACKET_TX_TIMESTAMP = 16;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final int PACKET_IGNORE_OUTGOING = 23;
    public static final int PACKET_STATISTICS = 6;
    public static final int TPACKET_V3 = 2;
    public static final int TP_STATUS_KERNEL = 0;
    public static final int TP_STATUS_USER = 1;
    public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    public static final int TP_STATUS_CSUM_VALID = 1 << 7;
    public static final int TP_STATUS_TS_SOFTWARE = 1 << 29;
    public static final int TP_STATUS_TS_RAW_HARDWARE = 1 << 31;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SO_DETACH_FILTER = 27;
    public static final int SO_ATTACH_BPF = 50;
    public static final int SO_LOCK_FILTER = 44;
    public static final int BPF_RET = 0x06;
    public static final int BPF_K = 0x00;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;

    /** struct tpacket_req3: the geometry of a TPACKET_V3 ring. */
    public static final StructLayout TPACKET_REQ3 = structLayout(
            JAVA_INT.withName("tp_block_size"),
            JAVA_INT.withName("tp_block_nr"),
            JAVA_INT.withName("tp_frame_size"),
            JAVA_INT.withName("tp_frame_nr"),
            JAVA_INT.withName("tp_retire_blk_tov"),
            JAVA_INT.withName("tp_sizeof_priv"),
            JAVA_INT.withName("tp_feature_req_word")).withName("tpacket_req3");

    /** struct tpacket_bd_ts. */
    public static final StructLayout TPACKET_BD_TS = structLayout(
            JAVA_INT.withName("ts_sec"),
            JAVA_INT.withName("ts_usec")).withName("tpacket_bd_ts");

    /** struct tpacket_hdr_v1: the header of a block. */
    public static final StructLayout TPACKET_HDR_V1 = structLayout(
            JAVA_INT.withName("block_status"),
            JAVA_INT.withName("num_pkts"),
            JAVA_INT.withName("offset_to_first_pkt"),
            JAVA_INT.withName("blk_len"),
            JAVA_LONG.withName("seq_num"),
            TPACKET_BD_TS.withName("ts_first_pkt"),
            TPACKET_BD_TS.withName("ts_last_pkt")).withName("tpacket_hdr_v1");

    /** struct tpacket_block_desc (its union holds only the v1 header). */
    public static final StructLayout TPACKET_BLOCK_DESC = structLayout(
            JAVA_INT.withName("version"),
            JAVA_INT.withName("offset_to_priv"),
            TPACKET_HDR_V1.withName("hdr")).withName("tpacket_block_desc");

    /** struct tpacket3_hdr: the header of a frame in a block (hv1 is the only variant of its union). */
    public static final StructLayout TPACKET3_HDR = structLayout(
            JAVA_INT.withName("tp_next_offset"),
            JAVA_INT.withName("tp_sec"),
            JAVA_INT.withName("tp_nsec"),
            JAVA_INT.withName("tp_snaplen"),
            JAVA_INT.withName("tp_len"),
            JAVA_INT.withName("tp_status"),
            JAVA_SHORT.withName("tp_mac"),
            JAVA_SHORT.withName("tp_net"),
            structLayout(
                    JAVA_INT.withName("tp_rxhash"),
                    JAVA_INT.withName("tp_vlan_tci"),
                    JAVA_SHORT.withName("tp_vlan_tpid"),
                    JAVA_SHORT.withName("tp_padding")).withName("hv1"),
            sequenceLayout(8, JAVA_BYTE).withName("tp_padding")).withName("tpacket3_hdr");

    /** struct sockaddr_ll. */
    public static final StructLayout SOCKADDR_LL = structLayout(
            JAVA_SHORT.withName("sll_family"),
            JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            sequenceLayout(8, JAVA_BYTE).withName("sll_addr")).withName("sockaddr_ll");

    /** struct tpacket_stats_v3. */
    public static final StructLayout TPACKET_STATS_V3 = structLayout(
            JAVA_INT.withName("tp_packets"),
            JAVA_INT.withName("tp_drops"),
            JAVA_INT.withName("tp_freeze_q_cnt")).withName("tpacket_stats_v3");

    /** struct sock_filter: one classic BPF instruction. */
    public static final StructLayout SOCK_FILTER = structLayout(
            JAVA_SHORT.withName("code"),
            JAVA_BYTE.withName("jt"),
            JAVA_BYTE.withName("jf"),
            JAVA_INT.withName("k")).withName("sock_filter");

    /** struct sock_fprog. */
    public static final StructLayout SOCK_FPROG = structLayout(
            JAVA_SHORT.withName("len"),
            paddingLayout(6),
            ADDRESS.withName("filter")).withName("sock_fprog");

    public static final int BLOCK_STATUS = off(TPACKET_BLOCK_DESC, "hdr", "block_status");
    public static final int BLOCK_NUM_PKTS = off(TPACKET_BLOCK_DESC, "hdr", "num_pkts");
    public static final int BLOCK_FIRST_PKT = off(TPACKET_BLOCK_DESC, "hdr", "offset_to_first_pkt");
    public static final int FRAME_NEXT = off(TPACKET3_HDR, "tp_next_offset");
    public static final int FRAME_SEC = off(TPACKET3_HDR, "tp_sec");
    public static final int FRAME_NSEC = off(TPACKET3_HDR, "tp_nsec");
    public static final int FRAME_SNAPLEN = off(TPACKET3_HDR, "tp_snaplen");
    public static final int FRAME_LEN = off(TPACKET3_HDR, "tp_len");
    public static final int FRAME_STATUS = off(TPACKET3_HDR, "tp_status");
    public static final int FRAME_MAC = off(TPACKET3_HDR, "tp_mac");
    public static final int FRAME_NET = off(TPACKET3_HDR, "tp_net");
    public static final int SLL_FAMILY = off(SOCKADDR_LL, "sll_family");
    public static final int SLL_PROTOCOL = off(SOCKADDR_LL, "sll_protocol");
    public static final int SLL_IFINDEX = off(SOCKADDR_LL, "sll_ifindex");
    public static final int SOCKADDR_LL_SIZE = (int) SOCKADDR_LL.byteSize();

    private static int off(StructLayout layout, String... path) {
        MemoryLayout.PathElement[] elements = new MemoryLayout.PathElement[path.length];
        for (int i = 0; i < path.length; i++) {
            elements[i] = MemoryLayout.PathElement.groupElement(path[i]);
        }
        return (int) layout.byteOffset(elements);
    }
}
