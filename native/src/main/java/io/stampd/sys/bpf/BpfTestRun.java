package io.stampd.sys.bpf;

import io.stampd.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Plain BPF_PROG_RUN (no live frames): the kernel runs a program on a copy of the input and
 * hands back its return value and, for XDP, the frame as the program left it. Nothing is sent
 * (XDP_TX and XDP_REDIRECT only come back as return values), so this is how the XDP programs
 * are unit-tested, and the socket filters through {@link #skb}.
 *
 * <p>For XDP the context names an ingress interface, which the kernel resolves in the calling
 * thread's network namespace (run inside {@link NetNamespace#callIn}); helpers such as
 * bpf_fib_lookup then see that interface and that namespace's routes and neighbours.
 */
public final class BpfTestRun {
    /**
     * Room past the input for a frame the program grows: bpf_xdp_adjust_head can take up to the
     * 256-octet XDP headroom, bpf_xdp_adjust_tail the tailroom of the page.
     */
    private static final int GROWTH = 4096;
    /** An Ethernet header: the least an skb test run takes (bpf_test_init refuses less). */
    private static final int ETH_HLEN = 14;

    private BpfTestRun() {
    }

    /**
     * What an XDP test run gave: the XDP action and the output frame of the last run, and the
     * kernel's average time per run in nanoseconds (what the program costs, without the syscall).
     */
    public record XdpResult(int retval, byte[] frame, long nanosPerRun) {
    }

    /**
     * Runs XDP program {@code programFd} once on {@code frame}, as if received on interface
     * {@code ingressIfindex} (0: none; then helpers that need a device fail) queue 0.
     *
     * @throws BpfException naming bpf_prog_test_run_opts and the errno if the kernel refuses the run
     */
    public static XdpResult runXdp(int programFd, byte[] frame, int ingressIfindex) {
        return runXdp(programFd, frame, ingressIfindex, 1);
    }

    /**
     * Runs XDP program {@code programFd} {@code repeat} times on {@code frame} (each run starts from
     * the input again); the result is the last run's.
     */
    public static XdpResult runXdp(int programFd, byte[] frame, int ingressIfindex, int repeat) {
        if (frame.length == 0) {
            throw new IllegalArgumentException("frame must not be empty");
        }
        if (ingressIfindex < 0 || repeat < 1) {
            throw new IllegalArgumentException("ingress ifindex must be >= 0 and repeat >= 1, got "
                    + ingressIfindex + " and " + repeat);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(JAVA_BYTE, frame);
            MemorySegment out = arena.allocate(frame.length + GROWTH, 8);
            // struct xdp_md: the frame from offset 0 to its end, no metadata, queue 0, no egress device.
            MemorySegment md = arena.allocate(LibBpf.XDP_MD_SIZE, 8);
            md.set(JAVA_INT, LibBpf.XDP_MD_DATA_END, frame.length);
            md.set(JAVA_INT, LibBpf.XDP_MD_INGRESS_IFINDEX, ingressIfindex);
            MemorySegment opts = arena.allocate(LibBpf.TEST_RUN_OPTS_SIZE, 8);
            opts.set(JAVA_LONG, 0, LibBpf.TEST_RUN_OPTS_SIZE);
            opts.set(ADDRESS, LibBpf.TEST_RUN_OPTS_DATA_IN, in);
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_DATA_SIZE_IN, frame.length);
            opts.set(ADDRESS, LibBpf.TEST_RUN_OPTS_DATA_OUT, out);
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_DATA_SIZE_OUT, (int) out.byteSize());
            opts.set(ADDRESS, LibBpf.TEST_RUN_OPTS_CTX_IN, md);
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_CTX_SIZE_IN, (int) md.byteSize());
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_REPEAT, repeat);
            int rc = LibBpf.get().progTestRunOpts(programFd, opts);
            if (rc < 0) {
                throw new BpfException("bpf_prog_test_run_opts", "XDP program fd " + programFd + " ("
                        + frame.length + "-octet frame, ingress ifindex " + ingressIfindex + ")", rc,
                        -rc == Libc.ENODEV ? "no such interface in this thread's network namespace" : null);
            }
            // The kernel sets data_size_out to the output frame's length.
            int length = opts.get(JAVA_INT, LibBpf.TEST_RUN_OPTS_DATA_SIZE_OUT);
            return new XdpResult(opts.get(JAVA_INT, LibBpf.TEST_RUN_OPTS_RETVAL),
                    out.asSlice(0, Math.min(length, out.byteSize())).toArray(JAVA_BYTE),
                    Integer.toUnsignedLong(opts.get(JAVA_INT, LibBpf.TEST_RUN_OPTS_DURATION)));
        }
    }

    /**
     * Runs the loaded XDP program {@code programId} (one attached by another process, found with
     * {@link Xdp#attachedProgramId}) once on {@code frame}, with its own maps, as if received on
     * {@code ingressIfindex}.
     */
    public static XdpResult runXdpById(int programId, byte[] frame, int ingressIfindex) {
        LibBpf lib = LibBpf.get();
        int fd = lib.progGetFdById(programId);
        if (fd < 0) {
            throw new BpfException("bpf_prog_get_fd_by_id", "program id " + programId, fd);
        }
        try {
            return runXdp(fd, frame, ingressIfindex);
        } finally {
            Libc.close(fd);
        }
    }

    /**
     * Runs an skb-based program {@code programFd} (a socket filter, BPF_PROG_TYPE_SOCKET_FILTER)
     * once on {@code frame}, which starts at the Ethernet header, and returns the program's return
     * value (for a socket filter: the octets the socket keeps, 0 = dropped).
     *
     * <p>The kernel (bpf_prog_test_run_skb) builds an skb of the frame on the calling thread's
     * network namespace's loopback device and runs eth_type_trans on it: skb->protocol is the
     * frame's ethertype, skb->data and the network header are right after the Ethernet header
     * (no VLAN tag is taken off), and skb->pkt_type is PACKET_HOST only for the loopback's
     * address 00:00:00:00:00:00 as destination MAC (PACKET_BROADCAST, PACKET_MULTICAST or
     * PACKET_OTHERHOST otherwise).
     *
     * <p>The kernel refuses (EINVAL) a frame longer than about a page, and (Linux 6.18) an IPv6
     * frame shorter than its IPv6 header.
     *
     * @throws IllegalArgumentException if the frame is shorter than an Ethernet header
     * @throws BpfException naming bpf_prog_test_run_opts and the errno if the kernel refuses the run
     */
    public static int skb(int programFd, byte[] frame) {
        if (frame.length < ETH_HLEN) {
            throw new IllegalArgumentException("an skb test run needs at least the " + ETH_HLEN
                    + "-octet Ethernet header, got " + frame.length + " octets");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(JAVA_BYTE, frame);
            MemorySegment opts = arena.allocate(LibBpf.TEST_RUN_OPTS_SIZE, 8);
            opts.set(JAVA_LONG, 0, LibBpf.TEST_RUN_OPTS_SIZE);
            opts.set(ADDRESS, LibBpf.TEST_RUN_OPTS_DATA_IN, in);
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_DATA_SIZE_IN, frame.length);
            // No context (struct __sk_buff) in or out, no output data: the return value is the result.
            int rc = LibBpf.get().progTestRunOpts(programFd, opts);
            if (rc < 0) {
                throw new BpfException("bpf_prog_test_run_opts", "skb program fd " + programFd + " ("
                        + frame.length + "-octet frame)", rc,
                        -rc == Libc.EINVAL ? "not an skb-based program, a frame longer than a page, or an IPv4"
                                + " or IPv6 frame without its whole IP header (the kernel refuses those)" : null);
            }
            return opts.get(JAVA_INT, LibBpf.TEST_RUN_OPTS_RETVAL);
        }
    }

    /**
     * Runs a BPF_PROG_TYPE_SYSCALL program once with {@code context} (a native segment) as its
     * context; the kernel copies the context back into it afterwards. Returns the program's
     * return value.
     */
    public static int runSyscall(int programFd, MemorySegment context) {
        if (!context.isNative() || context.byteSize() == 0 || context.byteSize() > 0xFFFF) {
            throw new IllegalArgumentException("a syscall program's context must be a native segment of 1 to "
                    + 0xFFFF + " octets, got " + context);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(LibBpf.TEST_RUN_OPTS_SIZE, 8);
            opts.set(JAVA_LONG, 0, LibBpf.TEST_RUN_OPTS_SIZE);
            opts.set(ADDRESS, LibBpf.TEST_RUN_OPTS_CTX_IN, context);
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_CTX_SIZE_IN, (int) context.byteSize());
            int rc = LibBpf.get().progTestRunOpts(programFd, opts);
            if (rc < 0) {
                throw new BpfException("bpf_prog_test_run_opts", "syscall program fd " + programFd + " ("
                        + context.byteSize() + "-octet context)", rc);
            }
            return opts.get(JAVA_INT, LibBpf.TEST_RUN_OPTS_RETVAL);
        }
    }
}
