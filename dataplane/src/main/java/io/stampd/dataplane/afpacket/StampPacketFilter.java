package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.DataPlaneException;
import io.stampd.sys.Libc;
import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The socket filter of the AF_PACKET data plane (ebpf/stamp_packet_filter.bpf.c): attached to a
 * packet socket, it lets through only IPv6 UDP packets addressed to this host, to one of the
 * node's addresses ({@link #localAddress}) and an accepted port ({@link #port}), at their final
 * destination (no routing header with Segments Left &gt; 0, no fragment), and counts why it
 * dropped each other one ({@link #counters}). Until addresses and ports are added it accepts
 * nothing.
 *
 * <pre>{@code
 * try (StampPacketFilter filter = StampPacketFilter.load()) {
 *     filter.localAddress(reflectorAddress, true);
 *     filter.port(862, true);
 *     filter.attach(packetSocketFd);
 *     ...
 * }
 * }</pre>
 *
 * <p>A packet socket queues whatever arrives between its creation and the attachment; create it
 * with protocol 0 (it receives nothing), attach the filter, then bind it with ETH_P_ALL or
 * ETH_P_IPV6, so that only filtered packets reach it.
 *
 * <p>The constants mirror ebpf/stamp_packet_filter.h (StampPacketFilterHeaderTest checks them
 * against it). The map updates and {@link #counters} may be called from any thread.
 */
public final class StampPacketFilter implements AutoCloseable {
    /** The object's class path resource and the program in it. */
    public static final String OBJECT = "/io/stampd/ebpf/stamp_packet_filter.bpf.o";
    public static final String PROGRAM = "stamp_packet_filter";

    /** setsockopt option of &lt;asm-generic/socket.h&gt;: attach an eBPF socket filter by program fd. */
    public static final int SO_ATTACH_BPF = 50;

    /* ==== stamp_packet_filter.h ==== */

    /** Entries of pf_local: the node's addresses the filter can hold. */
    public static final int STAMP_PF_MAX_LOCAL = 1024;
    /** Entries of pf_ports: one per UDP port. */
    public static final int STAMP_PF_PORTS = 65536;
    /** Extension headers walked before the UDP header; a longer chain is rejected. */
    public static final int STAMP_PF_MAX_EXT_HEADERS = 8;

    /* enum stamp_pf_counter: indexes of pf_stats. */
    public static final int STAMP_PF_ACCEPTED = 0;
    public static final int STAMP_PF_NOT_IPV6 = 1;
    public static final int STAMP_PF_NOT_LOCAL = 2;
    public static final int STAMP_PF_EXT_HEADER = 3;
    public static final int STAMP_PF_NOT_UDP = 4;
    public static final int STAMP_PF_PORT = 5;
    public static final int STAMP_PF_TRUNCATED = 6;
    public static final int STAMP_PF_TAKEN = 7;
    public static final int STAMP_PF_COUNT = 8;
    /** The TC ingress twin of the socket filter (same object, same maps). */
    public static final String TAKE_PROGRAM = "stamp_packet_take";


    private static final String[] COUNTER_NAMES = {"accepted", "not_ipv6", "not_local", "ext_header", "not_udp",
        "port", "truncated", "taken"};

    private static final byte[] ACCEPT = {1};
    private static final byte[] REFUSE = {0};

    private final BpfObject object;
    private final int programFd;
    private final BpfMap local;
    private final BpfMap ports;
    private final BpfMap stats;
    private volatile boolean closed;
    /** The TCX link of {@link #TAKE_PROGRAM} while it takes packets from the stack, else -1. */
    private int takeLink = -1;

    private StampPacketFilter(BpfObject object) {
        this.object = object;
        this.programFd = object.programFd(PROGRAM);
        this.local = object.map("pf_local");
        this.ports = object.map("pf_ports");
        this.stats = object.map("pf_stats");
        requireShape(local, 16, 1, STAMP_PF_MAX_LOCAL);
        requireShape(ports, 4, 1, STAMP_PF_PORTS);
        requireShape(stats, 4, 8, STAMP_PF_COUNT);
    }

    /**
     * Loads the filter from the class path into the kernel (verified, maps created), accepting
     * nothing yet.
     *
     * @throws DataPlaneException (RESOURCE) if the object is missing or the kernel refuses it
     */
    public static StampPacketFilter load() {
        BpfObject object = null;
        try {
            object = BpfObject.openResource(OBJECT).load();
            return new StampPacketFilter(object);
        } catch (RuntimeException e) {
            if (object != null) {
                object.close();
            }
            throw new DataPlaneException(DataPlaneException.Reason.RESOURCE, "cannot load the STAMP packet filter "
                    + OBJECT + ": " + e.getMessage(), e);
        }
    }

    /** A counter's name in {@link #counters()}: "ext_header" for STAMP_PF_EXT_HEADER. */
    public static String counterName(int counter) {
        if (counter < 0 || counter >= STAMP_PF_COUNT) {
            throw new IllegalArgumentException("no packet filter counter " + counter);
        }
        return COUNTER_NAMES[counter];
    }

    /** The TC ingress program's descriptor (owned by this filter), e.g. for a BPF_PROG_RUN. */
    public int takeProgramFd() {
        checkOpen();
        return object.programFd(TAKE_PROGRAM);
    }

    /** The program's descriptor (owned by this filter), e.g. for a BPF_PROG_RUN. */
    public int programFd() {
        checkOpen();
        return programFd;
    }

    /**
     * Attaches the filter to socket {@code socketFd} (setsockopt SOL_SOCKET SO_ATTACH_BPF),
     * replacing any filter it had. The socket keeps the program and its maps alive: they go on
     * filtering after {@link #close()}, unchanged from then on.
     *
     * @throws DataPlaneException (RESOURCE) naming the errno if the kernel refuses it
     */
    public void attach(int socketFd) {
        checkOpen();
        int rc = Libc.setsockoptInt(socketFd, Libc.SOL_SOCKET, SO_ATTACH_BPF, programFd);
        if (rc < 0) {
            throw new DataPlaneException(DataPlaneException.Reason.RESOURCE, "cannot attach the STAMP packet filter"
                    + " to socket fd " + socketFd + ": setsockopt(SOL_SOCKET, SO_ATTACH_BPF) failed: "
                    + Libc.strerror(-rc) + " (errno " + -rc + ")");
        }
    }

    /**
     * From now on drops at TC ingress of interface {@code ifindex} what the socket filter accepts,
     * after the packet taps (the ring has its copy) and before the kernel's IPv6 stack would
     * process the packet a second time. Attached as a TCX link owned by this process: it goes
     * away with {@link #giveBackToStack()}, {@link #close()} or the process, so a crashed agent
     * leaves no program behind that would swallow STAMP packets nobody reads. Idempotent.
     *
     * @throws DataPlaneException (RESOURCE) naming the errno if the kernel refuses it
     */
    public void takeFromStack(int ifindex) {
        checkOpen();
        if (takeLink >= 0) {
            return;
        }
        try {
            takeLink = io.stampd.sys.bpf.Tcx.attachIngress(object.programFd(TAKE_PROGRAM), ifindex);
        } catch (io.stampd.sys.bpf.BpfException e) {
            throw new DataPlaneException(DataPlaneException.Reason.RESOURCE, "cannot attach " + TAKE_PROGRAM
                    + " (Linux 6.6 or later): " + e.getMessage(), e);
        }
    }

    /** Lets the kernel's stack have the packets again (the TCX link closed). Idempotent. */
    public void giveBackToStack() {
        if (takeLink >= 0) {
            io.stampd.sys.bpf.Tcx.detach(takeLink);
            takeLink = -1;
        }
    }

    /** Accepts (or no longer accepts) UDP packets to destination port {@code port}. */
    public void port(int port, boolean accept) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("UDP port must be from 0 to 65535, got " + port);
        }
        checkOpen();
        ports.update(BpfMap.indexKey(port), accept ? ACCEPT : REFUSE);
    }

    /**
     * Adds (or removes) one of the node's addresses: packets to it are accepted (on an accepted
     * port). {@code address} is 16 octets in network order.
     *
     * @throws io.stampd.sys.bpf.BpfException if adding fails, e.g. with E2BIG once
     *         {@link #STAMP_PF_MAX_LOCAL} addresses are in
     */
    public void localAddress(byte[] address, boolean accept) {
        if (address == null || address.length != 16) {
            throw new IllegalArgumentException("an IPv6 address is 16 octets, got "
                    + (address == null ? "null" : address.length + " octets"));
        }
        checkOpen();
        if (accept) {
            local.update(address.clone(), ACCEPT);
        } else {
            local.delete(address.clone());
        }
    }

    /** Every counter by name ({@link #counterName}), in the header's order, summed over CPUs; zeros included. */
    public Map<String, Long> counters() {
        checkOpen();
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < STAMP_PF_COUNT; i++) {
            long sum = 0;
            for (byte[] cpu : stats.lookupPerCpu(BpfMap.indexKey(i)).orElse(new byte[0][])) {
                sum += MemorySegment.ofArray(cpu).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            }
            out.put(COUNTER_NAMES[i], sum);
        }
        return out;
    }

    /** Closes the program and map descriptors; a socket it is attached to keeps filtering. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            giveBackToStack();
            closed = true;
            object.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the STAMP packet filter is closed");
        }
    }

    private static void requireShape(BpfMap map, int keySize, int valueSize, int maxEntries) {
        if (map.keySize() != keySize || map.valueSize() != valueSize || map.maxEntries() != maxEntries) {
            throw new IllegalStateException("map " + map.name() + " has " + map.keySize() + "-octet keys, "
                    + map.valueSize() + "-octet values and " + map.maxEntries() + " entries, expected " + keySize
                    + ", " + valueSize + " and " + maxEntries + ": ebpf/stamp_packet_filter.h and "
                    + StampPacketFilter.class.getSimpleName() + " disagree");
        }
    }
}
