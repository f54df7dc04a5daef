package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Attaches BPF programs (SEC("tc"), direct action) as cls_bpf filters to the ingress or egress
 * hook of an interface's clsact qdisc, in the calling thread's network namespace, through
 * netlink (libbpf's bpf_tc_*). Like XDP programs, they stay attached after the process exits,
 * until detached or the interface disappears.
 *
 * <pre>{@code
 * Tc.Filter f = new Tc.Filter(ifindex, Tc.Hook.EGRESS, 0x7467, 1);
 * boolean created = Tc.createClsact(ifindex);   // false: the qdisc was there already
 * int programId = Tc.attach(f, programFd, false).programId();
 * ...
 * Tc.detach(f);
 * if (created) Tc.destroyClsact(ifindex);
 * }</pre>
 *
 * libbpf prints the kernel's message of a refused netlink request (e.g. "Exclusivity flag on"
 * when the qdisc exists) to stderr; the exceptions here name the operation and the errno.
 */
public final class Tc {

    /** Which direction of the interface's traffic the filter sees. */
    public enum Hook {
        INGRESS(LibBpf.BPF_TC_INGRESS),
        EGRESS(LibBpf.BPF_TC_EGRESS);

        final int attachPoint;

        Hook(int attachPoint) {
            this.attachPoint = attachPoint;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One filter's place: interface, hook, handle and priority (1 to 65535; lower runs first).
     * A handle of 0 or priority of 0 lets the kernel choose on {@link #attach}.
     */
    public record Filter(int ifindex, Hook hook, int handle, int priority) {
        public Filter {
            if (ifindex <= 0) {
                throw new IllegalArgumentException("interface index must be positive, got " + ifindex);
            }
            if (priority < 0 || priority > 0xFFFF) {
                throw new IllegalArgumentException("filter priority must be from 0 to 65535, got " + priority);
            }
        }

        @Override
        public String toString() {
            return "interface " + NetInterfaces.describe(ifindex) + ", " + hook + " hook, handle 0x"
                    + Integer.toHexString(handle) + ", priority " + priority;
        }
    }

    /** A filter as attached: its place (handle and priority as the kernel chose them) and its program's id. */
    public record Attached(Filter filter, int programId) {
    }

    private Tc() {
    }

    /**
     * Adds the clsact qdisc to {@code ifindex} (which both hooks hang off). Returns true if this
     * call added it, false if it was there already.
     */
    public static boolean createClsact(int ifindex) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = LibBpf.get().tcHookCreate(hook(arena, ifindex, LibBpf.BPF_TC_INGRESS | LibBpf.BPF_TC_EGRESS));
            if (rc == -Libc.EEXIST) {
                return false;
            }
            if (rc < 0) {
                throw new BpfException("bpf_tc_hook_create", "interface " + NetInterfaces.describe(ifindex)
                        + " (clsact qdisc)", rc);
            }
            return true;
        }
    }

    /** Removes the clsact qdisc of {@code ifindex} and with it every filter on both its hooks. */
    public static void destroyClsact(int ifindex) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = LibBpf.get().tcHookDestroy(hook(arena, ifindex, LibBpf.BPF_TC_INGRESS | LibBpf.BPF_TC_EGRESS));
            if (rc < 0) {
                throw new BpfException("bpf_tc_hook_destroy", "interface " + NetInterfaces.describe(ifindex)
                        + " (clsact qdisc)", rc);
            }
        }
    }

    /**
     * Attaches program {@code programFd} as a direct-action filter at {@code filter} (the clsact
     * qdisc must exist). Without {@code replace} a filter already there is refused (EEXIST); with it,
     * it is replaced. Returns the filter as the kernel placed it (handle and priority chosen when 0)
     * and the id of the program attached.
     */
    public static Attached attach(Filter filter, int programFd, boolean replace) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = opts(arena, filter);
            opts.set(JAVA_INT, LibBpf.TC_OPTS_PROG_FD, programFd);
            opts.set(JAVA_INT, LibBpf.TC_OPTS_FLAGS, replace ? LibBpf.BPF_TC_F_REPLACE : 0);
            int rc = LibBpf.get().tcAttach(hook(arena, filter.ifindex(), filter.hook().attachPoint), opts);
            if (rc < 0) {
                String hint = switch (-rc) {
                    case Libc.EEXIST -> "a filter is already attached there";
                    case 22 /* EINVAL */ -> "is there a clsact qdisc on the interface?";
                    default -> null;
                };
                throw new BpfException("bpf_tc_attach", filter + ", program fd " + programFd, rc, hint);
            }
            return new Attached(new Filter(filter.ifindex(), filter.hook(), opts.get(JAVA_INT, LibBpf.TC_OPTS_HANDLE),
                    opts.get(JAVA_INT, LibBpf.TC_OPTS_PRIORITY)), opts.get(JAVA_INT, LibBpf.TC_OPTS_PROG_ID));
        }
    }

    /** Detaches the filter at {@code filter} (handle and priority must be given). */
    public static void detach(Filter filter) {
        requirePlace(filter, "detach");
        try (Arena arena = Arena.ofConfined()) {
            int rc = LibBpf.get().tcDetach(hook(arena, filter.ifindex(), filter.hook().attachPoint),
                    opts(arena, filter));
            if (rc < 0) {
                throw new BpfException("bpf_tc_detach", filter.toString(), rc);
            }
        }
    }

    /**
     * Id of the BPF program of the filter at {@code filter} (handle and priority must be given), 0
     * when there is none (no such filter, or no clsact qdisc on the interface).
     */
    public static int attachedProgramId(Filter filter) {
        requirePlace(filter, "query");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = opts(arena, filter);
            int rc = LibBpf.get().tcQuery(hook(arena, filter.ifindex(), filter.hook().attachPoint), opts);
            // ENOENT: no such filter; EINVAL: no qdisc or no filter chain at that priority.
            if (rc == -Libc.ENOENT || rc == -Libc.EINVAL) {
                return 0;
            }
            if (rc < 0) {
                throw new BpfException("bpf_tc_query", filter.toString(), rc);
            }
            return opts.get(JAVA_INT, LibBpf.TC_OPTS_PROG_ID);
        }
    }

    private static void requirePlace(Filter filter, String what) {
        if (filter.handle() == 0 || filter.priority() == 0) {
            throw new IllegalArgumentException("a filter to " + what + " needs its handle and priority, got " + filter);
        }
    }

    private static MemorySegment hook(Arena arena, int ifindex, int attachPoint) {
        MemorySegment hook = arena.allocate(LibBpf.TC_HOOK_SIZE, 8);
        hook.set(JAVA_LONG, 0, LibBpf.TC_HOOK_SIZE);
        hook.set(JAVA_INT, LibBpf.TC_HOOK_IFINDEX, ifindex);
        hook.set(JAVA_INT, LibBpf.TC_HOOK_ATTACH_POINT, attachPoint);
        return hook;
    }

    private static MemorySegment opts(Arena arena, Filter filter) {
        MemorySegment opts = arena.allocate(LibBpf.TC_OPTS_SIZE, 8);
        opts.set(JAVA_LONG, 0, LibBpf.TC_OPTS_SIZE);
        opts.set(JAVA_INT, LibBpf.TC_OPTS_HANDLE, filter.handle());
        opts.set(JAVA_INT, LibBpf.TC_OPTS_PRIORITY, filter.priority());
        return opts;
    }
}
