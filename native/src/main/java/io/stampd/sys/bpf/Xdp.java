package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Attaches XDP programs to interfaces of the current network namespace through netlink
 * (bpf_xdp_attach), so they stay attached after the process exits, until detached or the
 * interface disappears.
 */
public final class Xdp {

    /** Where the program runs. */
    public enum Mode {
        /** In the driver (XDP_FLAGS_DRV_MODE); veth supports it. */
        NATIVE(LibBpf.XDP_FLAGS_DRV_MODE),
        /** On the skb path (XDP_FLAGS_SKB_MODE); works on any interface, slower. */
        GENERIC(LibBpf.XDP_FLAGS_SKB_MODE),
        /** Native when the driver supports it, generic otherwise (no mode flag). */
        AUTO(0);

        final int flags;

        Mode(int flags) {
            this.flags = flags;
        }

        /** "native", "generic" or "auto", in any case. */
        public static Mode parse(String text) {
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(text)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("unknown XDP mode '" + text + "' (native, generic or auto)");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Xdp() {
    }

    /**
     * Attaches program {@code programFd} to interface {@code ifindex}. Refuses (EBUSY) when a
     * program is already attached in that mode, rather than silently replacing it.
     */
    public static void attach(int ifindex, int programFd, Mode mode) {
        int rc = LibBpf.get().xdpAttach(ifindex, programFd, mode.flags | LibBpf.XDP_FLAGS_UPDATE_IF_NOEXIST,
                MemorySegment.NULL);
        if (rc < 0) {
            String hint = switch (-rc) {
                case Libc.EBUSY, Libc.EEXIST -> "an XDP program is already attached there; detach it first";
                case Libc.EOPNOTSUPP -> "the driver has no native XDP; use generic mode";
                default -> null;
            };
            throw new BpfException("bpf_xdp_attach", where(ifindex, mode), rc, hint);
        }
    }

    /**
     * Replaces program {@code expectedProgramId}, attached to {@code ifindex} in {@code mode}, by
     * {@code programFd} in one step (XDP_FLAGS_REPLACE): no frame passes the interface without a
     * program, and if another program was attached meanwhile the kernel refuses and leaves it.
     */
    public static void replace(int ifindex, int programFd, Mode mode, int expectedProgramId) {
        LibBpf lib = LibBpf.get();
        int oldFd = lib.progGetFdById(expectedProgramId);
        if (oldFd < 0) {
            throw new BpfException("bpf_prog_get_fd_by_id", "program id " + expectedProgramId, oldFd);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(LibBpf.XDP_ATTACH_OPTS_SIZE, 8);
            opts.set(JAVA_LONG, 0, LibBpf.XDP_ATTACH_OPTS_SIZE);
            opts.set(JAVA_INT, LibBpf.XDP_ATTACH_OPTS_OLD_PROG_FD, oldFd);
            int rc = lib.xdpAttach(ifindex, programFd, mode.flags, opts);
            if (rc < 0) {
                throw new BpfException("bpf_xdp_attach", where(ifindex, mode) + ", replacing program id "
                        + expectedProgramId, rc, -rc == Libc.EEXIST
                        ? "another program is attached now; left it in place" : null);
            }
        } finally {
            Libc.close(oldFd);
        }
    }

    /** Detaches whatever XDP program is attached to {@code ifindex} in {@code mode}. */
    public static void detach(int ifindex, Mode mode) {
        int rc = LibBpf.get().xdpDetach(ifindex, mode.flags, MemorySegment.NULL);
        if (rc < 0) {
            throw new BpfException("bpf_xdp_detach", where(ifindex, mode), rc);
        }
    }

    /**
     * Detaches the program only if it is still program {@code expectedProgramId}; the kernel checks
     * this atomically (XDP_FLAGS_REPLACE), so a program attached meanwhile by someone else survives.
     */
    public static void detach(int ifindex, Mode mode, int expectedProgramId) {
        LibBpf lib = LibBpf.get();
        int progFd = lib.progGetFdById(expectedProgramId);
        if (progFd < 0) {
            throw new BpfException("bpf_prog_get_fd_by_id", "program id " + expectedProgramId, progFd);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(LibBpfStructs.BPF_XDP_ATTACH_OPTS);
            opts.set(JAVA_LONG, LibBpf.XDP_ATTACH_OPTS_SZ, LibBpf.XDP_ATTACH_OPTS_SIZE);
            opts.set(JAVA_INT, LibBpf.XDP_ATTACH_OPTS_OLD_PROG_FD, progFd);
            int rc = lib.xdpDetach(ifindex, mode.flags, opts);
            if (rc < 0) {
                throw new BpfException("bpf_xdp_detach", where(ifindex, mode) + ", expected program id "
                        + expectedProgramId, rc,
                        -rc == Libc.EEXIST ? "another program is attached now; left it in place" : null);
            }
        } finally {
            Libc.close(progFd);
        }
    }

    /**
     * Id of the XDP program attached to {@code ifindex}, 0 when there is none (or, with
     * {@link Mode#AUTO}, when programs are attached in several modes at once).
     */
    public static int attachedProgramId(int ifindex) {
        return attachedProgramId(ifindex, Mode.AUTO);
    }

    /** Id of the XDP program attached to {@code ifindex} in {@code mode}, 0 when there is none. */
    public static int attachedProgramId(int ifindex, Mode mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment id = arena.allocate(JAVA_INT);
            int rc = LibBpf.get().xdpQueryId(ifindex, mode.flags, id);
            if (rc < 0) {
                throw new BpfException("bpf_xdp_query_id", where(ifindex, mode), rc);
            }
            return id.get(JAVA_INT, 0);
        }
    }

    private static String where(int ifindex, Mode mode) {
        return "interface " + NetInterfaces.describe(ifindex) + ", " + mode + " mode";
    }

    /** An XDP program found attached to an interface, and the mode it runs in. */
    public record AttachedProgram(Mode mode, BpfProgramInfo program) {
    }

    /**
     * The XDP program named {@code name} attached to {@code dev} (index {@code ifindex}), native or
     * generic; empty when no XDP program is attached.
     *
     * @throws IllegalStateException if another program is attached there
     */
    public static Optional<AttachedProgram> findNamed(String dev, int ifindex, String name) {
        for (Mode mode : new Mode[] {Mode.NATIVE, Mode.GENERIC}) {
            int id = attachedProgramId(ifindex, mode);
            if (id == 0) {
                continue;
            }
            BpfProgramInfo program = BpfProgramInfo.ofId(id);
            if (!program.isNamed(name)) {
                throw new IllegalStateException("interface " + dev + " has XDP program '" + program.name()
                        + "' (id " + id + ") attached, not " + name);
            }
            return Optional.of(new AttachedProgram(mode, program));
        }
        return Optional.empty();
    }
}
