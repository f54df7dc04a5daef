package io.stampd.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.MemoryLayout.unionLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The libc and kernel structs the project passes to system calls, as FFM layouts of 64-bit Linux
 * glibc (x86-64, aarch64). Member names are the C field names, so {@code KernelStructLayoutTest}
 * can compare every named member's offset and size with {@code offsetof}/{@code sizeof} from the
 * headers; padding elements stand for C padding, bit-fields and unnamed members. The offset and
 * size constants of {@link Libc} are derived from these layouts.
 *
 * <p>C types: {@code size_t}, {@code long} and {@code __syscall_slong_t} are {@link ValueLayout#JAVA_LONG}
 * (LP64), pointers {@link ValueLayout#ADDRESS}, {@code __u32}/{@code unsigned int} {@link ValueLayout#JAVA_INT}.
 */
public final class KernelStructs {
    private KernelStructs() {
    }

    /** Network byte order 16 and 32-bit fields (sin6_port, sin6_flowinfo). */
    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    /** struct iovec (sys/uio.h). */
    public static final StructLayout IOVEC = structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len")).withName("iovec");

    /** struct msghdr (sys/socket.h). */
    public static final StructLayout MSGHDR = structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            paddingLayout(4)).withName("msghdr");

    /** struct mmsghdr (sys/socket.h, _GNU_SOURCE): recvmmsg/sendmmsg take an array of them. */
    public static final StructLayout MMSGHDR = structLayout(
            MSGHDR.withName("msg_hdr"),
            JAVA_INT.withName("msg_len"),
            paddingLayout(4)).withName("mmsghdr");

    /**
     * struct cmsghdr (bits/socket.h) without its flexible data array: the data starts at
     * CMSG_DATA = sizeof(struct cmsghdr), already aligned to size_t.
     */
    public static final StructLayout CMSGHDR = structLayout(
            JAVA_LONG.withName("cmsg_len"),
            JAVA_INT.withName("cmsg_level"),
            JAVA_INT.withName("cmsg_type")).withName("cmsghdr");

    /**
     * struct in6_addr (netinet/in.h): glibc's union of octets (s6_addr), 16 and 32-bit words, which
     * makes it 4-octet aligned.
     */
    public static final StructLayout IN6_ADDR = structLayout(
            unionLayout(
                    sequenceLayout(16, JAVA_BYTE).withName("__u6_addr8"),
                    sequenceLayout(8, JAVA_SHORT).withName("__u6_addr16"),
                    sequenceLayout(4, JAVA_INT).withName("__u6_addr32")).withName("__in6_u")).withName("in6_addr");

    /** struct sockaddr_in6 (netinet/in.h): port and flow label in network byte order. */
    public static final StructLayout SOCKADDR_IN6 = structLayout(
            JAVA_SHORT.withName("sin6_family"),
            NET_SHORT.withName("sin6_port"),
            NET_INT.withName("sin6_flowinfo"),
            IN6_ADDR.withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id")).withName("sockaddr_in6");

    /** struct in6_pktinfo (netinet/in.h, _GNU_SOURCE): the IPV6_PKTINFO control message. */
    public static final StructLayout IN6_PKTINFO = structLayout(
            IN6_ADDR.withName("ipi6_addr"),
            JAVA_INT.withName("ipi6_ifindex")).withName("in6_pktinfo");

    /** struct timespec (time.h). */
    public static final StructLayout TIMESPEC = structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec")).withName("timespec");

    /** struct timeval (sys/time.h). */
    public static final StructLayout TIMEVAL = structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_usec")).withName("timeval");

    /**
     * struct epoll_event (sys/epoll.h). glibc declares it packed on x86-64 only (u64 data at offset
     * 4, 12 octets, alignment 1, as the x86-64 kernel ABI has it); elsewhere it is naturally
     * aligned (data at 8, 16 octets).
     */
    public static final StructLayout EPOLL_EVENT = epollEvent(isX86_64());

    /**
     * struct sock_extended_err (linux/errqueue.h): what an error-queue message (MSG_ERRQUEUE)
     * says; for a transmit timestamp, ee_info is the SCM_TSTAMP_* type and ee_data the OPT_ID key.
     */
    public static final StructLayout SOCK_EXTENDED_ERR = structLayout(
            JAVA_INT.withName("ee_errno"),
            JAVA_BYTE.withName("ee_origin"),
            JAVA_BYTE.withName("ee_type"),
            JAVA_BYTE.withName("ee_code"),
            JAVA_BYTE.withName("ee_pad"),
            JAVA_INT.withName("ee_info"),
            unionLayout( // anonymous in C: its members are named as members of the struct
                    JAVA_INT.withName("ee_data"),
                    structLayout(
                            JAVA_SHORT.withName("len"),
                            JAVA_BYTE.withName("flags"),
                            JAVA_BYTE.withName("reserved")).withName("ee_rfc4884"))
    ).withName("sock_extended_err");

    /**
     * struct scm_timestamping (linux/errqueue.h): the SCM_TIMESTAMPING control message; ts[0] is
     * the software timestamp, ts[2] the hardware one.
     */
    public static final StructLayout SCM_TIMESTAMPING = structLayout(
            sequenceLayout(3, TIMESPEC).withName("ts")).withName("scm_timestamping");

    /** struct sockaddr (bits/socket.h). */
    public static final StructLayout SOCKADDR = structLayout(
            JAVA_SHORT.withName("sa_family"),
            sequenceLayout(14, JAVA_BYTE).withName("sa_data")).withName("sockaddr");

    /** struct ifmap (net/if.h). */
    public static final StructLayout IFMAP = structLayout(
            JAVA_LONG.withName("mem_start"),
            JAVA_LONG.withName("mem_end"),
            JAVA_SHORT.withName("base_addr"),
            JAVA_BYTE.withName("irq"),
            JAVA_BYTE.withName("dma"),
            JAVA_BYTE.withName("port"),
            paddingLayout(3)).withName("ifmap");

    /** IFNAMSIZ (net/if.h): interface names, NUL included. */
    public static final int IFNAMSIZ = 16;

    /** struct ifreq (net/if.h): ifr_name is ifr_ifrn.ifrn_name, ifr_hwaddr is ifr_ifru.ifru_hwaddr. */
    public static final StructLayout IFREQ = structLayout(
            unionLayout(sequenceLayout(IFNAMSIZ, JAVA_BYTE).withName("ifrn_name")).withName("ifr_ifrn"),
            unionLayout(
                    SOCKADDR.withName("ifru_addr"),
                    SOCKADDR.withName("ifru_dstaddr"),
                    SOCKADDR.withName("ifru_broadaddr"),
                    SOCKADDR.withName("ifru_netmask"),
                    SOCKADDR.withName("ifru_hwaddr"),
                    JAVA_SHORT.withName("ifru_flags"),
                    JAVA_INT.withName("ifru_ivalue"),
                    JAVA_INT.withName("ifru_mtu"),
                    IFMAP.withName("ifru_map"),
                    sequenceLayout(IFNAMSIZ, JAVA_BYTE).withName("ifru_slave"),
                    sequenceLayout(IFNAMSIZ, JAVA_BYTE).withName("ifru_newname"),
                    ADDRESS.withName("ifru_data")).withName("ifr_ifru")).withName("ifreq");

    /**
     * struct timex (sys/timex.h, 64-bit time_t layout): adjtimex(2). The unnamed {@code int :32}
     * bit-fields at the end are padding.
     */
    public static final StructLayout TIMEX = structLayout(
            JAVA_INT.withName("modes"),
            paddingLayout(4),
            JAVA_LONG.withName("offset"),
            JAVA_LONG.withName("freq"),
            JAVA_LONG.withName("maxerror"),
            JAVA_LONG.withName("esterror"),
            JAVA_INT.withName("status"),
            paddingLayout(4),
            JAVA_LONG.withName("constant"),
            JAVA_LONG.withName("precision"),
            JAVA_LONG.withName("tolerance"),
            TIMEVAL.withName("time"),
            JAVA_LONG.withName("tick"),
            JAVA_LONG.withName("ppsfreq"),
            JAVA_LONG.withName("jitter"),
            JAVA_INT.withName("shift"),
            paddingLayout(4),
            JAVA_LONG.withName("stabil"),
            JAVA_LONG.withName("jitcnt"),
            JAVA_LONG.withName("calcnt"),
            JAVA_LONG.withName("errcnt"),
            JAVA_LONG.withName("stbcnt"),
            JAVA_INT.withName("tai"),
            paddingLayout(11 * 4)).withName("timex");

    static boolean isX86_64() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /** struct epoll_event, packed (x86-64) or naturally aligned (the other 64-bit ABIs). */
    static StructLayout epollEvent(boolean packed) {
        UnionLayout data = packed
                ? unionLayout(
                        ADDRESS.withByteAlignment(1).withName("ptr"),
                        JAVA_INT.withByteAlignment(1).withName("fd"),
                        JAVA_INT.withByteAlignment(1).withName("u32"),
                        JAVA_LONG.withByteAlignment(1).withName("u64"))
                : unionLayout(
                        ADDRESS.withName("ptr"),
                        JAVA_INT.withName("fd"),
                        JAVA_INT.withName("u32"),
                        JAVA_LONG.withName("u64"));
        return packed
                ? structLayout(JAVA_INT.withByteAlignment(1).withName("events"), data.withName("data"))
                        .withName("epoll_event")
                : structLayout(JAVA_INT.withName("events"), paddingLayout(4), data.withName("data"))
                        .withName("epoll_event");
    }

    /**
     * The offset of a member, by the names on its path ({@code "msg_hdr", "msg_len"}), as an int:
     * what the constants of {@link Libc} and {@code LibBpf} are made of. As in C, the members of an
     * anonymous (unnamed) struct or union are named as members of the enclosing one.
     */
    public static int offsetOf(GroupLayout layout, String... path) {
        List<MemoryLayout.PathElement> elements = new ArrayList<>();
        MemoryLayout current = layout;
        for (String name : path) {
            if (!(current instanceof GroupLayout group) || (current = find(group, name, elements)) == null) {
                throw new IllegalArgumentException(layout.name().orElse("layout") + " has no member "
                        + String.join(".", path));
            }
        }
        return Math.toIntExact(layout.byteOffset(elements.toArray(MemoryLayout.PathElement[]::new)));
    }

    /** Member {@code name} of {@code group} or of an anonymous group in it; appends its path elements. */
    private static MemoryLayout find(GroupLayout group, String name, List<MemoryLayout.PathElement> elements) {
        List<MemoryLayout> members = group.memberLayouts();
        for (int i = 0; i < members.size(); i++) {
            MemoryLayout member = members.get(i);
            if (member.name().filter(name::equals).isPresent()) {
                elements.add(MemoryLayout.PathElement.groupElement(name));
                return member;
            }
            if (member.name().isEmpty() && member instanceof GroupLayout anonymous) {
                elements.add(MemoryLayout.PathElement.groupElement(i));
                MemoryLayout found = find(anonymous, name, elements);
                if (found != null) {
                    return found;
                }
                elements.removeLast();
            }
        }
        return null;
    }

    /** The size of a layout as an int. */
    public static int sizeOf(MemoryLayout layout) {
        return Math.toIntExact(layout.byteSize());
    }
}
