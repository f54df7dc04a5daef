package io.stampd.sys.net;

import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The netlink (linux/netlink.h) and rtnetlink (linux/rtnetlink.h, linux/neighbour.h) structs
 * {@link RouteNetlink} reads and writes, as FFM layouts. Member names are the C field names, so
 * {@code RouteNetlinkLayoutTest} compares every member's offset and size, and each struct's size
 * and alignment, with the headers; the offsets and sizes of {@link Netlink} are derived from these.
 * All fields are in host byte order.
 */
public final class NetlinkStructs {
    private NetlinkStructs() {
    }

    /** struct nlmsghdr: every netlink message starts with one. */
    public static final StructLayout NLMSGHDR = structLayout(
            JAVA_INT.withName("nlmsg_len"),
            JAVA_SHORT.withName("nlmsg_type"),
            JAVA_SHORT.withName("nlmsg_flags"),
            JAVA_INT.withName("nlmsg_seq"),
            JAVA_INT.withName("nlmsg_pid")).withName("nlmsghdr");

    /** struct nlmsgerr: the payload of NLMSG_ERROR (error 0 is an acknowledgement), then the request's header. */
    public static final StructLayout NLMSGERR = structLayout(
            JAVA_INT.withName("error"),
            NLMSGHDR.withName("msg")).withName("nlmsgerr");

    /** struct sockaddr_nl: a netlink socket's address (nl_pid 0 is the kernel). */
    public static final StructLayout SOCKADDR_NL = structLayout(
            JAVA_SHORT.withName("nl_family"),
            JAVA_SHORT.withName("nl_pad"),
            JAVA_INT.withName("nl_pid"),
            JAVA_INT.withName("nl_groups")).withName("sockaddr_nl");

    /** struct rtmsg: the fixed part of RTM_GETROUTE / RTM_NEWROUTE, attributes follow. */
    public static final StructLayout RTMSG = structLayout(
            JAVA_BYTE.withName("rtm_family"),
            JAVA_BYTE.withName("rtm_dst_len"),
            JAVA_BYTE.withName("rtm_src_len"),
            JAVA_BYTE.withName("rtm_tos"),
            JAVA_BYTE.withName("rtm_table"),
            JAVA_BYTE.withName("rtm_protocol"),
            JAVA_BYTE.withName("rtm_scope"),
            JAVA_BYTE.withName("rtm_type"),
            JAVA_INT.withName("rtm_flags")).withName("rtmsg");

    /** struct rtattr: an attribute's header (length includes it), its value follows. */
    public static final StructLayout RTATTR = structLayout(
            JAVA_SHORT.withName("rta_len"),
            JAVA_SHORT.withName("rta_type")).withName("rtattr");

    /** struct rtnexthop: one path of RTA_MULTIPATH, its own attributes (RTA_GATEWAY) follow. */
    public static final StructLayout RTNEXTHOP = structLayout(
            JAVA_SHORT.withName("rtnh_len"),
            JAVA_BYTE.withName("rtnh_flags"),
            JAVA_BYTE.withName("rtnh_hops"),
            JAVA_INT.withName("rtnh_ifindex")).withName("rtnexthop");

    /** struct ndmsg: the fixed part of RTM_GETNEIGH / RTM_NEWNEIGH, attributes follow. */
    public static final StructLayout NDMSG = structLayout(
            JAVA_BYTE.withName("ndm_family"),
            JAVA_BYTE.withName("ndm_pad1"),
            JAVA_SHORT.withName("ndm_pad2"),
            JAVA_INT.withName("ndm_ifindex"),
            JAVA_SHORT.withName("ndm_state"),
            JAVA_BYTE.withName("ndm_flags"),
            JAVA_BYTE.withName("ndm_type")).withName("ndmsg");
}
