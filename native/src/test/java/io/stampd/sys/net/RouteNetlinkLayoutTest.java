package io.stampd.sys.net;

import io.stampd.sys.CStructCheck;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layouts of {@link NetlinkStructs} and every constant of {@link Netlink}, checked against
 * the C headers by {@link CStructCheck}: each member's offset and size, each struct's size and
 * alignment, and each constant (by reflection, so one added later is checked too) as the macro or
 * enum value of its name, or the C expression it derives from.
 */
class RouteNetlinkLayoutTest {
    private static final String[] HEADERS = {
            "errno.h", "sys/socket.h", "linux/netlink.h", "linux/rtnetlink.h", "linux/neighbour.h"};

    /** The C expression each derived constant stands for, naming the C member directly. */
    private static final Map<String, String> DERIVED = Map.ofEntries(
            entry("NLMSG_LEN_AT", "offsetof(struct nlmsghdr, nlmsg_len)"),
            entry("NLMSG_TYPE_AT", "offsetof(struct nlmsghdr, nlmsg_type)"),
            entry("NLMSG_FLAGS_AT", "offsetof(struct nlmsghdr, nlmsg_flags)"),
            entry("NLMSG_SEQ_AT", "offsetof(struct nlmsghdr, nlmsg_seq)"),
            entry("NLMSG_PID_AT", "offsetof(struct nlmsghdr, nlmsg_pid)"),
            entry("NLMSGERR_ERROR_AT", "offsetof(struct nlmsgerr, error)"),
            entry("SOCKADDR_NL_SIZE", "sizeof(struct sockaddr_nl)"),
            entry("NL_FAMILY_AT", "offsetof(struct sockaddr_nl, nl_family)"),
            entry("NL_PID_AT", "offsetof(struct sockaddr_nl, nl_pid)"),
            entry("RTMSG_SIZE", "sizeof(struct rtmsg)"),
            entry("RTM_FAMILY_AT", "offsetof(struct rtmsg, rtm_family)"),
            entry("RTM_DST_LEN_AT", "offsetof(struct rtmsg, rtm_dst_len)"),
            entry("RTM_TYPE_AT", "offsetof(struct rtmsg, rtm_type)"),
            entry("RTATTR_SIZE", "RTA_LENGTH(0)"),
            entry("RTA_LEN_AT", "offsetof(struct rtattr, rta_len)"),
            entry("RTA_TYPE_AT", "offsetof(struct rtattr, rta_type)"),
            entry("RTNEXTHOP_SIZE", "sizeof(struct rtnexthop)"),
            entry("RTNH_LEN_AT", "offsetof(struct rtnexthop, rtnh_len)"),
            entry("RTNH_IFINDEX_AT", "offsetof(struct rtnexthop, rtnh_ifindex)"),
            entry("NDMSG_SIZE", "sizeof(struct ndmsg)"),
            entry("NDM_FAMILY_AT", "offsetof(struct ndmsg, ndm_family)"),
            entry("NDM_IFINDEX_AT", "offsetof(struct ndmsg, ndm_ifindex)"),
            entry("NDM_STATE_AT", "offsetof(struct ndmsg, ndm_state)"),
            entry("NDM_FLAGS_AT", "offsetof(struct ndmsg, ndm_flags)"),
            // The kernel's NUD_VALID (include/net/neighbour.h) is not in the UAPI headers.
            entry("NUD_VALID", "NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY"));

    @Test
    void netlinkStructsMatchTheHeaders() {
        CStructCheck.including(HEADERS)
                .struct("struct nlmsghdr", NetlinkStructs.NLMSGHDR)
                .struct("struct nlmsgerr", NetlinkStructs.NLMSGERR)
                .struct("struct sockaddr_nl", NetlinkStructs.SOCKADDR_NL)
                .struct("struct rtmsg", NetlinkStructs.RTMSG)
                .struct("struct rtattr", NetlinkStructs.RTATTR)
                .struct("struct rtnexthop", NetlinkStructs.RTNEXTHOP)
                .struct("struct ndmsg", NetlinkStructs.NDMSG)
                .assertMatches();
    }

    @Test
    void everyNetlinkConstantMatchesTheHeaders() throws IllegalAccessException {
        CStructCheck check = CStructCheck.including(HEADERS);
        int count = 0;
        for (Field field : Netlink.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (!Modifier.isPublic(modifiers) || !Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers)
                    || !(field.getType() == int.class || field.getType() == long.class)) {
                continue;
            }
            String name = field.getName();
            check.constant("Netlink." + name, DERIVED.getOrDefault(name, name), ((Number) field.get(null)).longValue());
            count++;
        }
        for (int length : new int[] {0, 1, 2, 3, 4, 5, 12, 16, 17, 20, 21}) {
            check.constant("NLMSG_ALIGN(" + length + ")", Netlink.nlmsgAlign(length));
            check.constant("RTA_ALIGN(" + length + ")", Netlink.rtaAlign(length));
            check.constant("RTNH_ALIGN(" + length + ")", Netlink.rtnhAlign(length));
        }
        assertTrue(count > 60, "found only " + count + " constants in Netlink");
        check.assertMatches();
    }
}
