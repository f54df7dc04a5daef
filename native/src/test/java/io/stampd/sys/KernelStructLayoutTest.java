package io.stampd.sys;

import io.stampd.sys.bpf.LibBpfStructs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The structs and constants of {@link Libc}, {@link KernelStructs} and {@link LibBpfStructs},
 * checked against the C headers of the build machine (glibc, Linux UAPI, libbpf) by
 * {@link CStructCheck}: every named member's offset and size, each struct's size and alignment,
 * and every constant Libc declares.
 */
class KernelStructLayoutTest {
    /** The libc and kernel headers that declare what Libc mirrors. */
    private static final String[] LIBC_HEADERS = {
            "errno.h", "fcntl.h", "sched.h", "time.h", "sys/socket.h", "sys/uio.h", "sys/time.h",
            "sys/epoll.h", "sys/eventfd.h", "sys/ioctl.h", "sys/prctl.h", "sys/timex.h", "sys/mman.h",
            "netinet/in.h", "net/if.h", "linux/errqueue.h", "linux/net_tstamp.h"};

    /** The bpf(2) info structs mirror linux/bpf.h of Linux 6.1 (Debian 12): exact size with those headers. */
    private static final String UAPI_6_1 =
            "LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)";
    /** The option structs mirror libbpf 1.1: exact size with its headers. */
    private static final String LIBBPF_1_1 = "LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 1";

    @Test
    void libcAndKernelStructsMatchTheHeaders() {
        CStructCheck.including(LIBC_HEADERS)
                .struct("struct iovec", KernelStructs.IOVEC)
                .struct("struct msghdr", KernelStructs.MSGHDR)
                .struct("struct mmsghdr", KernelStructs.MMSGHDR)
                .struct("struct cmsghdr", KernelStructs.CMSGHDR)
                .struct("struct in6_addr", KernelStructs.IN6_ADDR)
                .struct("struct sockaddr_in6", KernelStructs.SOCKADDR_IN6)
                .struct("struct in6_pktinfo", KernelStructs.IN6_PKTINFO)
                .struct("struct epoll_event", KernelStructs.EPOLL_EVENT)
                .struct("struct timespec", KernelStructs.TIMESPEC)
                .struct("struct timeval", KernelStructs.TIMEVAL)
                .struct("struct sock_extended_err", KernelStructs.SOCK_EXTENDED_ERR)
                .struct("struct scm_timestamping", KernelStructs.SCM_TIMESTAMPING)
                .struct("struct sockaddr", KernelStructs.SOCKADDR)
                .struct("struct ifmap", KernelStructs.IFMAP)
                .struct("struct ifreq", KernelStructs.IFREQ)
                .struct("struct timex", KernelStructs.TIMEX)
                .assertMatches();
    }

    @Test
    void libbpfStructsMatchTheHeaders() {
        CStructCheck.including("linux/version.h", "linux/bpf.h", "bpf/libbpf_version.h", "bpf/bpf.h", "bpf/libbpf.h")
                .struct("struct bpf_prog_info", LibBpfStructs.BPF_PROG_INFO, UAPI_6_1)
                .struct("struct bpf_map_info", LibBpfStructs.BPF_MAP_INFO, UAPI_6_1)
                .struct("struct bpf_xdp_attach_opts", LibBpfStructs.BPF_XDP_ATTACH_OPTS, LIBBPF_1_1)
                .struct("struct bpf_tc_hook", LibBpfStructs.BPF_TC_HOOK, LIBBPF_1_1)
                .struct("struct bpf_tc_opts", LibBpfStructs.BPF_TC_OPTS, LIBBPF_1_1)
                .struct("struct bpf_object_open_opts", LibBpfStructs.BPF_OBJECT_OPEN_OPTS, LIBBPF_1_1)
                .struct("struct bpf_test_run_opts", LibBpfStructs.BPF_TEST_RUN_OPTS, LIBBPF_1_1)
                .struct("struct xdp_md", LibBpfStructs.XDP_MD, UAPI_6_1)
                .assertMatches();
    }

    /**
     * The C expression each derived constant of Libc stands for. It names the C member directly
     * (glibc's ifr_name and ifr_hwaddr macros included), so a constant derived from the wrong
     * member of a right layout fails too.
     */
    private static final Map<String, String> DERIVED = new LinkedHashMap<>();

    static {
        DERIVED.put("SOCKADDR_IN6_SIZE", "sizeof(struct sockaddr_in6)");
        for (String member : new String[] {"family", "port", "flowinfo", "addr", "scope_id"}) {
            DERIVED.put("SIN6_" + member.toUpperCase(), "offsetof(struct sockaddr_in6, sin6_" + member + ")");
        }
        DERIVED.put("IOVEC_SIZE", "sizeof(struct iovec)");
        DERIVED.put("IOV_BASE", "offsetof(struct iovec, iov_base)");
        DERIVED.put("IOV_LEN", "offsetof(struct iovec, iov_len)");
        for (String member : new String[] {"name", "namelen", "iov", "iovlen", "control", "controllen", "flags"}) {
            DERIVED.put("MSG_" + member.toUpperCase(), "offsetof(struct msghdr, msg_" + member + ")");
        }
        DERIVED.put("MSGHDR_SIZE", "sizeof(struct msghdr)");
        DERIVED.put("MMSGHDR_SIZE", "sizeof(struct mmsghdr)");
        DERIVED.put("MMSG_HDR", "offsetof(struct mmsghdr, msg_hdr)");
        DERIVED.put("MMSG_LEN", "offsetof(struct mmsghdr, msg_len)");
        DERIVED.put("CMSG_HDR", "CMSG_LEN(0)");
        DERIVED.put("CMSG_LEN_FIELD", "offsetof(struct cmsghdr, cmsg_len)");
        DERIVED.put("CMSG_LEVEL", "offsetof(struct cmsghdr, cmsg_level)");
        DERIVED.put("CMSG_TYPE", "offsetof(struct cmsghdr, cmsg_type)");
        DERIVED.put("CMSG_ALIGNMENT", "CMSG_ALIGN(1)");
        DERIVED.put("CMSG_SPACE_INT", "CMSG_SPACE(sizeof(int))");
        DERIVED.put("EPOLL_EVENT_SIZE", "sizeof(struct epoll_event)");
        DERIVED.put("EPOLL_EVENT_EVENTS", "offsetof(struct epoll_event, events)");
        DERIVED.put("EPOLL_EVENT_DATA", "offsetof(struct epoll_event, data)");
        DERIVED.put("IN6_PKTINFO_SIZE", "sizeof(struct in6_pktinfo)");
        DERIVED.put("IPI6_ADDR", "offsetof(struct in6_pktinfo, ipi6_addr)");
        DERIVED.put("IPI6_IFINDEX", "offsetof(struct in6_pktinfo, ipi6_ifindex)");
        DERIVED.put("TIMESPEC_SIZE", "sizeof(struct timespec)");
        DERIVED.put("TV_SEC", "offsetof(struct timespec, tv_sec)");
        DERIVED.put("TV_NSEC", "offsetof(struct timespec, tv_nsec)");
        DERIVED.put("SCM_TIMESTAMPING_SIZE", "sizeof(struct scm_timestamping)");
        DERIVED.put("SOCK_EXTENDED_ERR_SIZE", "sizeof(struct sock_extended_err)");
        for (String member : new String[] {"errno", "origin", "type", "code", "info", "data"}) {
            DERIVED.put("EE_" + member.toUpperCase(), "offsetof(struct sock_extended_err, ee_" + member + ")");
        }
        DERIVED.put("IFREQ_SIZE", "sizeof(struct ifreq)");
        DERIVED.put("IFREQ_NAME", "offsetof(struct ifreq, ifr_name)");
        DERIVED.put("IFREQ_HWADDR_DATA", "offsetof(struct ifreq, ifr_hwaddr.sa_data)");
        DERIVED.put("TIMEX_SIZE", "sizeof(struct timex)");
        DERIVED.put("TIMEX_MODES", "offsetof(struct timex, modes)");
        DERIVED.put("TIMEX_STATUS", "offsetof(struct timex, status)");
        DERIVED.put("TIMEX_TAI", "offsetof(struct timex, tai)");
        // The kernel's MSG_PROBE (include/linux/socket.h, not exported to user space) is the bit
        // glibc still calls by its pre-2.2 name.
        DERIVED.put("MSG_PROBE", "MSG_PROXY");
    }

    /**
     * Macros newer than the installed headers (Linux 6.1 UAPI on Debian 12 while the kernel may be
     * much newer): checked when the headers define them, otherwise noted and left unchecked.
     * SCM_TS_OPT_ID (81) arrived in Linux 6.13; TransmitTimestamps probes the kernel for it.
     */
    private static final Set<String> NEWER_THAN_HEADERS = Set.of("SCM_TS_OPT_ID");

    /**
     * Every int or long constant Libc declares, by reflection, so that a constant added later is
     * checked as well: a #define or enum value of the same name, or the C expression it derives
     * from (above). A constant with neither fails to compile in the C program, naming it.
     */
    @Test
    void everyLibcConstantMatchesTheHeaders() throws IllegalAccessException {
        CStructCheck check = CStructCheck.including(LIBC_HEADERS);
        int count = 0;
        for (Field field : Libc.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (!Modifier.isPublic(modifiers) || !Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers)
                    || !(field.getType() == int.class || field.getType() == long.class)) {
                continue;
            }
            String name = field.getName();
            long value = ((Number) field.get(null)).longValue();
            if (NEWER_THAN_HEADERS.contains(name)) {
                check.constantIfDefined(name, value);
            } else {
                check.constant("Libc." + name, DERIVED.getOrDefault(name, name), value);
            }
            count++;
        }
        for (int length : new int[] {0, 1, 4, 7, 8, 9, 20, 23}) {
            check.constant("CMSG_ALIGN(" + length + ")", Libc.cmsgAlign(length));
        }
        assertTrue(count > 80, "found only " + count + " constants in Libc");
        check.assertMatches();
    }

    /**
     * Libc.adjtimex, taiOffset and clockStatus read what adjtimex(2) gives a C program. C reads
     * before and after Java; Java must match one of the two (the clock state may change in
     * between, e.g. when an NTP daemon synchronises). Besides tai and status, fields that are
     * non-zero on any Linux (tick, tolerance) make sure Java reads the real struct.
     */
    @Test
    void adjtimexReadsWhatCReads() {
        CStructCheck c = CStructCheck.including("errno.h", "sys/timex.h");
        String program = """
                    struct timex t = {0};
                    int state = adjtimex(&t);
                    if (state < 0) {
                        printf("%d\\n", -errno);
                        return 0;
                    }
                    printf("%d %d %d %ld %ld %ld %ld\\n", state, t.status, t.tai, t.tick, t.tolerance,
                           t.precision, t.constant);
                    return 0;
                """;
        String before = c.runProgram(program).trim();
        String java;
        int tai;
        int status;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timex = arena.allocate(KernelStructs.TIMEX);
            timex.fill((byte) 0x5a); // adjtimex must overwrite what it reports
            int state = Libc.adjtimex(timex);
            java = state < 0 ? String.valueOf(state) : state + " "
                    + timex.get(JAVA_INT, Libc.TIMEX_STATUS) + " "
                    + timex.get(JAVA_INT, Libc.TIMEX_TAI) + " "
                    + field(timex, "tick") + " " + field(timex, "tolerance") + " "
                    + field(timex, "precision") + " " + field(timex, "constant");
            tai = Libc.taiOffset();
            status = Libc.clockStatus();
        }
        String after = c.runProgram(program).trim();
        assertTrue(java.equals(before) || java.equals(after),
                "adjtimex (state status tai tick tolerance precision constant): C before " + before
                        + ", Java " + java + ", C after " + after);
        String[] fields = java.split(" ");
        assertTrue(fields.length == 7, "adjtimex failed in Java: " + java);
        assertTrue(Long.parseLong(fields[3]) > 0, "tick should be positive: " + java);
        assertEquals(Integer.parseInt(fields[2]), tai, "taiOffset()");
        assertEquals(Integer.parseInt(fields[1]), status, "clockStatus()");
        System.out.println("adjtimex: state " + fields[0] + ", status 0x" + Integer.toHexString(status)
                + ", TAI offset " + tai + " s");
    }

    private static long field(MemorySegment timex, String name) {
        return timex.get(JAVA_LONG, KernelStructs.TIMEX.byteOffset(groupElement(name)));
    }
}
