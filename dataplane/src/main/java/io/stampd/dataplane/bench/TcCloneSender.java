package io.stampd.dataplane.bench;

import io.stampd.sys.Libc;
import io.stampd.sys.bpf.BpfException;
import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfProgramInfo;
import io.stampd.sys.bpf.NetNamespace;
import io.stampd.sys.bpf.Tc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The generator's {@link SendMethod#TC_CLONE} path on one device: ebpf/traffic_gen_tc.bpf.c as a
 * filter on the device's TC egress hook, and an AF_PACKET socket that sends it trigger frames.
 * Each trigger asks for a burst of frames; the program builds them with the frame logic the XDP
 * path uses, paces them, sends each with bpf_clone_redirect and consumes the trigger. User space
 * only decides when to send the next trigger (the program sets the schedule) and reads
 * traffic_gen_state after each to see where the run stands.
 *
 * <p>{@link #attach} and {@link #detach} act on the calling thread's network namespace; the socket
 * belongs to the namespace it was opened in, so {@link #send} works from any thread. A filter left
 * behind by a generator that was not closed (same place, program named traffic_gen_tc) is
 * replaced; a shutdown hook detaches the filter if the JVM exits before {@link #detach}. Each
 * generator's triggers carry its own token, so a program acts only on its own generator's.
 */
final class TcCloneSender {
    static final String PROGRAM = "traffic_gen_tc";
    /** The filter's place on the egress hook: handle "tg", first priority (it passes all but its triggers on). */
    static final int FILTER_HANDLE = 0x7467;
    static final int FILTER_PRIORITY = 1;
    /** traffic_gen.h: TRAFFIC_GEN_TRIGGER_ETH_P, TRAFFIC_GEN_TC_MAX_BURST, struct traffic_gen_trigger. */
    static final int TRIGGER_ETHERTYPE = 0x88B5;
    static final int MAX_BURST = 256;
    static final int TRIGGER_TOKEN = 14;
    static final int TRIGGER_FRAMES = 22;
    /** A trigger is sent this long before the slot of its first frame; the program busy-waits the rest. */
    static final long LEAD_NANOS = 200_000;
    /** Triggers in a row that send nothing before the run is given up (filter gone, or passed over). */
    static final int MAX_IDLE_TRIGGERS = 1_000;

    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final int SOCKADDR_LL_SIZE = 20;
    private static final int ENOBUFS = 105;
    private static final int EEXIST = 17;

    private final String namespace;
    private final String device;
    private final Tc.Filter filter;
    private final int programId;
    private final boolean createdClsact;
    private final int socketFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment frame;
    private final MemorySegment iov;
    private final MemorySegment message;
    private final MemorySegment stateKey;
    private final MemorySegment stateValue;
    private final Thread shutdownHook;
    private boolean detached;

    private TcCloneSender(String namespace, String device, Tc.Filter filter, int programId, boolean createdClsact,
                          int socketFd) {
        this.namespace = namespace;
        this.device = device;
        this.filter = filter;
        this.programId = programId;
        this.createdClsact = createdClsact;
        this.socketFd = socketFd;
        frame = arena.allocate(TrafficConfig.MAX_FRAME_LENGTH, 8);
        MemorySegment address = arena.allocate(SOCKADDR_LL_SIZE, 8);
        address.set(JAVA_SHORT, 0, (short) AF_PACKET);
        // skb->protocol: the trigger's EtherType, so that AF_PACKET's flow dissector finds no IPv6 header in
        // it and sets no transport header, which would bound how far the program may shrink the frame.
        address.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) TRIGGER_ETHERTYPE);
        address.set(JAVA_INT, 4, filter.ifindex());
        iov = arena.allocate(Libc.IOVEC_SIZE, 8);
        iov.set(ADDRESS, 0, frame);
        message = arena.allocate(Libc.MMSGHDR_SIZE, 8);
        message.set(ADDRESS, Libc.MSG_NAME, address);
        message.set(JAVA_INT, Libc.MSG_NAMELEN, SOCKADDR_LL_SIZE);
        message.set(ADDRESS, Libc.MSG_IOV, iov);
        message.set(JAVA_LONG, Libc.MSG_IOVLEN, 1);
        stateKey = arena.allocate(JAVA_INT);
        stateValue = arena.allocate(TrafficGenLayout.STATE_SIZE, 8);
        shutdownHook = Thread.ofPlatform().name("trafgen-tc-detach").unstarted(this::detachQuietly);
    }

    /**
     * Attaches program {@code programFd} (traffic_gen_tc) to the egress of {@code ifindex} in the
     * calling thread's namespace ({@code namespace} names it for the later detach; null = the
     * process's own) and opens the trigger socket there.
     */
    static TcCloneSender attach(String namespace, String device, int ifindex, int programFd) {
        Tc.Filter place = new Tc.Filter(ifindex, Tc.Hook.EGRESS, FILTER_HANDLE, FILTER_PRIORITY);
        boolean created = Tc.createClsact(ifindex);
        Tc.Attached attached;
        try {
            attached = attachOrReplaceLeftover(place, programFd, device);
        } catch (RuntimeException e) {
            if (created) {
                destroyClsactQuietly(ifindex);
            }
            throw e;
        }
        int fd = Libc.socket(AF_PACKET, SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            try {
                Tc.detach(attached.filter());
            } finally {
                if (created) {
                    destroyClsactQuietly(ifindex);
                }
            }
            throw new IllegalStateException("socket(AF_PACKET, SOCK_RAW) failed for the generator's triggers on "
                    + device + ": " + Libc.strerror(-fd) + " (errno " + -fd + ")");
        }
        TcCloneSender sender = new TcCloneSender(namespace, device, attached.filter(), attached.programId(),
                created, fd);
        Runtime.getRuntime().addShutdownHook(sender.shutdownHook);
        return sender;
    }

    /**
     * Attaches at {@code place}; a filter already there is replaced if it is a traffic_gen_tc (left by
     * a process that died; it acts only on its own triggers anyway), else refused.
     */
    private static Tc.Attached attachOrReplaceLeftover(Tc.Filter place, int programFd, String device) {
        try {
            return Tc.attach(place, programFd, false);
        } catch (BpfException e) {
            int existing = e.errno() == EEXIST ? Tc.attachedProgramId(place) : 0;
            if (existing == 0) {
                throw e;
            }
            BpfProgramInfo other = BpfProgramInfo.ofId(existing);
            if (!other.isNamed(PROGRAM)) {
                throw new IllegalStateException("interface " + device + " has TC program '" + other.name() + "' (id "
                        + existing + ") at the generator's place on its egress hook (" + place + "); detach it first");
            }
            return Tc.attach(place, programFd, true);
        }
    }

    /** The namespace attached in, null for the process's own. */
    String namespace() {
        return namespace;
    }

    String device() {
        return device;
    }

    int ifindex() {
        return filter.ifindex();
    }

    /** Whether this program is still the filter at its place, in the calling thread's namespace. */
    boolean isAttached() {
        return Tc.attachedProgramId(filter) == programId;
    }

    /** How one run ended: frames the program took on, and whether the thread was interrupted first. */
    record Outcome(long frames, boolean interrupted) {
    }

    /**
     * Sends triggers until the program has taken on {@code frames} frames (cfg.run_frames, set by
     * the caller with the rate), at most {@code burst} per trigger of {@code length} octets; paced,
     * each trigger leaves {@link #LEAD_NANOS} before its first frame's slot. Stops early when the
     * thread is interrupted.
     *
     * @throws IllegalStateException if a trigger cannot be sent, or {@link #MAX_IDLE_TRIGGERS} in a
     *                               row sent nothing
     */
    Outcome send(BpfMap state, long token, long frames, long ratePps, int burst, int length) {
        if (burst < 1 || burst > MAX_BURST) {
            throw new IllegalArgumentException("burst must be from 1 to " + MAX_BURST + ", got " + burst);
        }
        if (length < TrafficConfig.MIN_FRAME_LENGTH || length > TrafficConfig.MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("trigger length must be from " + TrafficConfig.MIN_FRAME_LENGTH
                    + " to " + TrafficConfig.MAX_FRAME_LENGTH + ", got " + length);
        }
        frame.fill((byte) 0);
        frame.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 12, (short) TRIGGER_ETHERTYPE);
        frame.set(JAVA_LONG_UNALIGNED, TRIGGER_TOKEN, token);
        iov.set(JAVA_LONG, 8, length);
        long done = 0;
        long startNanos = 0;
        int idle = 0;
        while (done < frames) {
            if (Thread.currentThread().isInterrupted()) {
                return new Outcome(done, true);
            }
            if (ratePps > 0 && done > 0 && !waitUntil(startNanos + TrafficGenLayout.scheduledOffsetNanos(done, ratePps)
                    - LEAD_NANOS)) {
                return new Outcome(done, true);
            }
            frame.set(JAVA_INT_UNALIGNED, TRIGGER_FRAMES, (int) Math.min(burst, frames - done));
            long rc = Libc.sendmsg(socketFd, message, 0);
            if (rc < 0 && rc != -ENOBUFS) {
                throw new IllegalStateException("sendmsg of a trigger frame on " + device + " failed: "
                        + Libc.strerror((int) -rc) + " (errno " + -rc + ")");
            }
            state.lookup(stateKey, stateValue);
            long now = stateValue.get(JAVA_LONG, 0);
            startNanos = stateValue.get(JAVA_LONG, 8);
            if (now > done) {
                done = now;
                idle = 0;
            } else if (++idle >= MAX_IDLE_TRIGGERS) {
                throw new IllegalStateException(PROGRAM + " sent no frame for " + MAX_IDLE_TRIGGERS + " triggers in a"
                        + " row on " + device + " (" + done + " of " + frames + " sent): is its filter (" + filter
                        + ") still attached, and no filter before it takes the triggers?");
            }
        }
        return new Outcome(done, false);
    }

    /** Parks until System.nanoTime() reaches {@code deadline}; false if interrupted first. */
    private static boolean waitUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Detaches the filter if it still holds this program, and then removes the clsact qdisc if
     * {@link #attach} added it (not when another program took the filter's place: the hook is in
     * use); closes the socket. In the calling thread's namespace, which must be the one attached
     * in. Idempotent.
     */
    synchronized void detach() {
        if (detached) {
            return;
        }
        detached = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: this is the hook itself
        }
        try {
            if (Tc.attachedProgramId(filter) == programId) {
                Tc.detach(filter);
                if (createdClsact) {
                    Tc.destroyClsact(filter.ifindex());
                }
            }
        } finally {
            Libc.close(socketFd);
            arena.close();
        }
    }

    /** The shutdown hook: detach in the namespace attached in, ignoring what cannot be done any more. */
    private void detachQuietly() {
        try {
            if (namespace == null) {
                detach();
            } else {
                NetNamespace.callIn(namespace, () -> {
                    detach();
                    return null;
                });
            }
        } catch (Exception | Error e) {
            // the namespace or the device is gone, and the filter with it
        }
    }

    private static void destroyClsactQuietly(int ifindex) {
        try {
            Tc.destroyClsact(ifindex);
        } catch (RuntimeException e) {
            // best effort while already failing
        }
    }
}
