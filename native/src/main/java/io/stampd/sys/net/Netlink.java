package io.stampd.sys.net;

import static io.stampd.sys.KernelStructs.offsetOf;
import static io.stampd.sys.KernelStructs.sizeOf;

/**
 * The constants {@link RouteNetlink} uses: those of sys/socket.h, linux/netlink.h,
 * linux/rtnetlink.h, linux/neighbour.h and errno.h under their C names, and offsets and sizes
 * derived from the layouts of {@link NetlinkStructs} ({@code *_AT}: offsetof a member,
 * {@code *_SIZE}: sizeof a struct). {@code RouteNetlinkLayoutTest} checks every one of them against
 * the headers by reflection, so one added later is checked too. Kept apart from {@code Libc},
 * which only the data planes' common calls need.
 */
public final class Netlink {
    private Netlink() {
    }

    /* sys/socket.h */
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    /** SO_RCVTIMEO with a 64-bit time_t and long (struct timeval): SO_RCVTIMEO_OLD, 20. */
    public static final int SO_RCVTIMEO = 20;

    /* linux/netlink.h */
    public static final int NETLINK_ROUTE = 0;
    public static final int NLM_F_REQUEST = 0x01;
    public static final int NLM_F_ACK = 0x04;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLMSG_ERROR = 0x2;
    public static final int NLMSG_ALIGNTO = 4;
    public static final int NLA_F_NESTED = 1 << 15;
    public static final int NLA_F_NET_BYTEORDER = 1 << 14;
    /** An attribute's type without the NLA_F_NESTED and NLA_F_NET_BYTEORDER flags. */
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

    /* linux/rtnetlink.h: message types */
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_GETNEIGH = 30;
    /* route types (rtm_type) */
    public static final int RTN_UNICAST = 1;
    public static final int RTN_LOCAL = 2;
    public static final int RTN_BLACKHOLE = 6;
    public static final int RTN_UNREACHABLE = 7;
    public static final int RTN_PROHIBIT = 8;
    public static final int RTN_THROW = 9;
    /* route attributes */
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_GATEWAY = 5;
    public static final int RTA_PREFSRC = 7;
    public static final int RTA_MULTIPATH = 9;
    public static final int RTA_ALIGNTO = 4;
    public static final int RTNH_ALIGNTO = 4;

    /* linux/neighbour.h */
    public static final int NDA_DST = 1;
    public static final int NDA_LLADDR = 2;
    public static final int NTF_USE = 1 << 0;
    public static final int NUD_NONE = 0x00;
    public static final int NUD_INCOMPLETE = 0x01;
    public static final int NUD_REACHABLE = 0x02;
    public static final int NUD_STALE = 0x04;
    public static final int NUD_DELAY = 0x08;
    public static final int NUD_PROBE = 0x10;
    public static final int NUD_FAILED = 0x20;
    public static final int NUD_NOARP = 0x40;
    public static final int NUD_PERMANENT = 0x80;
    /**
     * The states in which the kernel has a link-layer address for the neighbour (and reports it as
     * NDA_LLADDR): the kernel's NUD_VALID (include/net/neighbour.h, not exported to user space).
     */
    public static final int NUD_VALID =
            NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;

    /* errno.h: what the calls return, negated, besides the kernel's own errors */
    public static final int EACCES = 13;
    public static final int ENODATA = 61;
    public static final int EPROTO = 71;
    public static final int EMSGSIZE = 90;
    public static final int ENETUNREACH = 101;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;
    public static final int EHOSTUNREACH = 113;

    /*
     * Offsets and sizes, derived from the layouts of NetlinkStructs (static final: the JIT folds
     * them like literals).
     */
    /** NLMSG_HDRLEN: where a message's payload starts. */
    public static final int NLMSG_HDRLEN = (int) nlmsgAlign(sizeOf(NetlinkStructs.NLMSGHDR));
    public static final int NLMSG_LEN_AT = offsetOf(NetlinkStructs.NLMSGHDR, "nlmsg_len");
    public static final int NLMSG_TYPE_AT = offsetOf(NetlinkStructs.NLMSGHDR, "nlmsg_type");
    public static final int NLMSG_FLAGS_AT = offsetOf(NetlinkStructs.NLMSGHDR, "nlmsg_flags");
    public static final int NLMSG_SEQ_AT = offsetOf(NetlinkStructs.NLMSGHDR, "nlmsg_seq");
    public static final int NLMSG_PID_AT = offsetOf(NetlinkStructs.NLMSGHDR, "nlmsg_pid");
    public static final int NLMSGERR_ERROR_AT = offsetOf(NetlinkStructs.NLMSGERR, "error");
    public static final int SOCKADDR_NL_SIZE = sizeOf(NetlinkStructs.SOCKADDR_NL);
    public static final int NL_FAMILY_AT = offsetOf(NetlinkStructs.SOCKADDR_NL, "nl_family");
    public static final int NL_PID_AT = offsetOf(NetlinkStructs.SOCKADDR_NL, "nl_pid");
    public static final int RTMSG_SIZE = sizeOf(NetlinkStructs.RTMSG);
    public static final int RTM_FAMILY_AT = offsetOf(NetlinkStructs.RTMSG, "rtm_family");
    public static final int RTM_DST_LEN_AT = offsetOf(NetlinkStructs.RTMSG, "rtm_dst_len");
    public static final int RTM_TYPE_AT = offsetOf(NetlinkStructs.RTMSG, "rtm_type");
    public static final int RTATTR_SIZE = sizeOf(NetlinkStructs.RTATTR);
    public static final int RTA_LEN_AT = offsetOf(NetlinkStructs.RTATTR, "rta_len");
    public static final int RTA_TYPE_AT = offsetOf(NetlinkStructs.RTATTR, "rta_type");
    public static final int RTNEXTHOP_SIZE = sizeOf(NetlinkStructs.RTNEXTHOP);
    public static final int RTNH_LEN_AT = offsetOf(NetlinkStructs.RTNEXTHOP, "rtnh_len");
    public static final int RTNH_IFINDEX_AT = offsetOf(NetlinkStructs.RTNEXTHOP, "rtnh_ifindex");
    public static final int NDMSG_SIZE = sizeOf(NetlinkStructs.NDMSG);
    public static final int NDM_FAMILY_AT = offsetOf(NetlinkStructs.NDMSG, "ndm_family");
    public static final int NDM_IFINDEX_AT = offsetOf(NetlinkStructs.NDMSG, "ndm_ifindex");
    public static final int NDM_STATE_AT = offsetOf(NetlinkStructs.NDMSG, "ndm_state");
    public static final int NDM_FLAGS_AT = offsetOf(NetlinkStructs.NDMSG, "ndm_flags");

    /** NLMSG_ALIGN: {@code length} rounded up to a multiple of NLMSG_ALIGNTO. */
    public static long nlmsgAlign(long length) {
        return (length + NLMSG_ALIGNTO - 1) & -NLMSG_ALIGNTO;
    }

    /** RTA_ALIGN: {@code length} rounded up to a multiple of RTA_ALIGNTO. */
    public static long rtaAlign(long length) {
        return (length + RTA_ALIGNTO - 1) & -RTA_ALIGNTO;
    }

    /** RTNH_ALIGN: {@code length} rounded up to a multiple of RTNH_ALIGNTO. */
    public static long rtnhAlign(long length) {
        return (length + RTNH_ALIGNTO - 1) & -RTNH_ALIGNTO;
    }
}
