package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static io.stampd.sys.KernelStructs.offsetOf;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles into libbpf.so.1, and the offsets of the structs they take. libc (close, open,
 * setns, if_nametoindex, ...) is {@link Libc}'s.
 *
 * <p>Everything libbpf in this package goes through here, so the public classes only deal
 * with file descriptors, segments and exceptions. The wrappers return libbpf's raw results
 * (negative errno on failure); callers decide what a failure means and report it.
 */
final class LibBpf {

    /*
     * Struct offsets and sizes, derived from the layouts of LibBpfStructs (Linux 6.1 UAPI
     * linux/bpf.h and libbpf 1.1.2 bpf/bpf.h, bpf/libbpf.h as Debian 12 packages them), which
     * KernelStructLayoutTest checks with offsetof/sizeof. UAPI structs only ever grow at the end
     * and the kernel accepts a shorter struct from user space, so a newer kernel is fine.
     */
    /** sizeof(struct bpf_prog_info). */
    static final long PROG_INFO_SIZE = LibBpfStructs.BPF_PROG_INFO.byteSize();
    /** offsetof(struct bpf_prog_info, type): __u32. */
    static final long PROG_INFO_TYPE = offsetOf(LibBpfStructs.BPF_PROG_INFO, "type");
    /** offsetof(struct bpf_prog_info, id): __u32. */
    static final long PROG_INFO_ID = offsetOf(LibBpfStructs.BPF_PROG_INFO, "id");
    /** offsetof(struct bpf_prog_info, nr_map_ids): __u32, in: capacity of map_ids, out: count. */
    static final long PROG_INFO_NR_MAP_IDS = offsetOf(LibBpfStructs.BPF_PROG_INFO, "nr_map_ids");
    /** offsetof(struct bpf_prog_info, map_ids): __aligned_u64 pointer to __u32[nr_map_ids]. */
    static final long PROG_INFO_MAP_IDS = offsetOf(LibBpfStructs.BPF_PROG_INFO, "map_ids");
    /** offsetof(struct bpf_prog_info, name): char[BPF_OBJ_NAME_LEN]. */
    static final long PROG_INFO_NAME = offsetOf(LibBpfStructs.BPF_PROG_INFO, "name");
    /** offsetof(struct bpf_prog_info, verified_insns): __u32, instructions the verifier processed (Linux 5.16+). */
    static final long PROG_INFO_VERIFIED_INSNS = offsetOf(LibBpfStructs.BPF_PROG_INFO, "verified_insns");
    /** offsetof(struct bpf_prog_info, run_time_ns) and run_cnt: __u64, counted while statistics are on. */
    static final long PROG_INFO_RUN_TIME_NS = offsetOf(LibBpfStructs.BPF_PROG_INFO, "run_time_ns");
    static final long PROG_INFO_RUN_CNT = offsetOf(LibBpfStructs.BPF_PROG_INFO, "run_cnt");
    /** enum bpf_stats_type: the run-time statistics. */
    static final int BPF_STATS_RUN_TIME = 0;

    /** sizeof(struct bpf_map_info). */
    static final long MAP_INFO_SIZE = LibBpfStructs.BPF_MAP_INFO.byteSize();
    /** offsetof(struct bpf_map_info, type): __u32. */
    static final long MAP_INFO_TYPE = offsetOf(LibBpfStructs.BPF_MAP_INFO, "type");
    /** offsetof(struct bpf_map_info, id): __u32. */
    static final long MAP_INFO_ID = offsetOf(LibBpfStructs.BPF_MAP_INFO, "id");
    /** offsetof(struct bpf_map_info, key_size): __u32. */
    static final long MAP_INFO_KEY_SIZE = offsetOf(LibBpfStructs.BPF_MAP_INFO, "key_size");
    /** offsetof(struct bpf_map_info, value_size): __u32. */
    static final long MAP_INFO_VALUE_SIZE = offsetOf(LibBpfStructs.BPF_MAP_INFO, "value_size");
    /** offsetof(struct bpf_map_info, max_entries): __u32. */
    static final long MAP_INFO_MAX_ENTRIES = offsetOf(LibBpfStructs.BPF_MAP_INFO, "max_entries");
    /** offsetof(struct bpf_map_info, name): char[BPF_OBJ_NAME_LEN]. */
    static final long MAP_INFO_NAME = offsetOf(LibBpfStructs.BPF_MAP_INFO, "name");

    /** sizeof(struct bpf_xdp_attach_opts): size_t sz; int old_prog_fd; size_t :0. */
    static final long XDP_ATTACH_OPTS_SIZE = LibBpfStructs.BPF_XDP_ATTACH_OPTS.byteSize();
    /** offsetof(struct bpf_xdp_attach_opts, sz). */
    static final long XDP_ATTACH_OPTS_SZ = offsetOf(LibBpfStructs.BPF_XDP_ATTACH_OPTS, "sz");
    /** offsetof(struct bpf_xdp_attach_opts, old_prog_fd); non-zero makes libbpf add XDP_FLAGS_REPLACE. */
    static final long XDP_ATTACH_OPTS_OLD_PROG_FD = offsetOf(LibBpfStructs.BPF_XDP_ATTACH_OPTS, "old_prog_fd");

    /** sizeof(struct bpf_tc_hook) and the members Tc sets. */
    static final long TC_HOOK_SIZE = LibBpfStructs.BPF_TC_HOOK.byteSize();
    static final long TC_HOOK_IFINDEX = offsetOf(LibBpfStructs.BPF_TC_HOOK, "ifindex");
    static final long TC_HOOK_ATTACH_POINT = offsetOf(LibBpfStructs.BPF_TC_HOOK, "attach_point");
    /** sizeof(struct bpf_tc_opts) and its members. */
    static final long TC_OPTS_SIZE = LibBpfStructs.BPF_TC_OPTS.byteSize();
    static final long TC_OPTS_PROG_FD = offsetOf(LibBpfStructs.BPF_TC_OPTS, "prog_fd");
    static final long TC_OPTS_FLAGS = offsetOf(LibBpfStructs.BPF_TC_OPTS, "flags");
    static final long TC_OPTS_PROG_ID = offsetOf(LibBpfStructs.BPF_TC_OPTS, "prog_id");
    static final long TC_OPTS_HANDLE = offsetOf(LibBpfStructs.BPF_TC_OPTS, "handle");
    static final long TC_OPTS_PRIORITY = offsetOf(LibBpfStructs.BPF_TC_OPTS, "priority");
    /* enum bpf_tc_attach_point, enum bpf_tc_flags */
    static final int BPF_TC_INGRESS = 1;
    static final int BPF_TC_EGRESS = 2;
    static final int BPF_TC_F_REPLACE = 1;

    /** sizeof(struct bpf_object_open_opts) in libbpf 1.1; libbpf accepts this or any older size. */
    static final long OPEN_OPTS_SIZE = LibBpfStructs.BPF_OBJECT_OPEN_OPTS.byteSize();
    /** offsetof(struct bpf_object_open_opts, sz). */
    static final long OPEN_OPTS_SZ = offsetOf(LibBpfStructs.BPF_OBJECT_OPEN_OPTS, "sz");
    /** offsetof(struct bpf_object_open_opts, object_name): const char *. */
    static final long OPEN_OPTS_OBJECT_NAME = offsetOf(LibBpfStructs.BPF_OBJECT_OPEN_OPTS, "object_name");

    /* struct bpf_test_run_opts of libbpf 1.1 (bpf/bpf.h), every member. */
    static final long TEST_RUN_OPTS_SIZE = LibBpfStructs.BPF_TEST_RUN_OPTS.byteSize();
    static final long TEST_RUN_OPTS_SZ = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "sz");
    static final long TEST_RUN_OPTS_DATA_IN = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "data_in");
    static final long TEST_RUN_OPTS_DATA_OUT = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "data_out");
    static final long TEST_RUN_OPTS_DATA_SIZE_IN = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "data_size_in");
    static final long TEST_RUN_OPTS_DATA_SIZE_OUT = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "data_size_out");
    static final long TEST_RUN_OPTS_CTX_IN = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "ctx_in");
    static final long TEST_RUN_OPTS_CTX_OUT = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "ctx_out");
    static final long TEST_RUN_OPTS_CTX_SIZE_IN = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "ctx_size_in");
    static final long TEST_RUN_OPTS_CTX_SIZE_OUT = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "ctx_size_out");
    static final long TEST_RUN_OPTS_RETVAL = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "retval");
    static final long TEST_RUN_OPTS_REPEAT = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "repeat");
    static final long TEST_RUN_OPTS_DURATION = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "duration");
    static final long TEST_RUN_OPTS_FLAGS = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "flags");
    static final long TEST_RUN_OPTS_CPU = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "cpu");
    static final long TEST_RUN_OPTS_BATCH_SIZE = offsetOf(LibBpfStructs.BPF_TEST_RUN_OPTS, "batch_size");
    /** BPF_F_TEST_XDP_LIVE_FRAMES: frames really go out (XDP_TX/XDP_REDIRECT) instead of being returned. */
    static final int BPF_F_TEST_XDP_LIVE_FRAMES = 1 << 1;
    /** sizeof(struct xdp_md): data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex (__u32 each). */
    static final long XDP_MD_SIZE = LibBpfStructs.XDP_MD.byteSize();
    static final long XDP_MD_DATA_END = offsetOf(LibBpfStructs.XDP_MD, "data_end");
    static final long XDP_MD_INGRESS_IFINDEX = offsetOf(LibBpfStructs.XDP_MD, "ingress_ifindex");

    /* <sys/mman.h> */

    /** BPF_OBJ_NAME_LEN: the kernel keeps at most 15 characters of a program or map name. */
    static final int OBJ_NAME_LEN = 16;

    /* <linux/if_link.h> */
    static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    static final int XDP_FLAGS_SKB_MODE = 2;
    static final int XDP_FLAGS_DRV_MODE = 4;

    /* <linux/bpf.h> */
    static final long BPF_ANY = 0;
    static final int BPF_MAP_TYPE_RINGBUF = 27;
    static final int BPF_MAP_TYPE_PERCPU_HASH = 5;
    static final int BPF_MAP_TYPE_PERCPU_ARRAY = 6;
    static final int BPF_MAP_TYPE_LRU_PERCPU_HASH = 10;
    static final int BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE = 21;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private final MethodHandle objectOpenMem;
    private final MethodHandle objectLoad;
    private final MethodHandle objectClose;
    private final MethodHandle findProgramByName;
    private final MethodHandle programFd;
    private final MethodHandle findMapByName;
    private final MethodHandle mapFd;
    private final MethodHandle xdpAttach;
    private final MethodHandle xdpDetach;
    private final MethodHandle xdpQueryId;
    private final MethodHandle progGetFdById;
    private final MethodHandle mapGetFdById;
    private final MethodHandle objGetInfoByFd;
    private final MethodHandle mapUpdateElem;
    private final MethodHandle mapLookupElem;
    private final MethodHandle mapDeleteElem;
    private final MethodHandle mapGetNextKey;
    private final MethodHandle numPossibleCpus;
    private final MethodHandle strerror;
    private final MethodHandle progTestRunOpts;
    private final MethodHandle enableStats;
    private final MethodHandle tcHookCreate;
    private final MethodHandle tcHookDestroy;
    private final MethodHandle tcAttach;
    private final MethodHandle linkCreate;
    private final MethodHandle tcDetach;
    private final MethodHandle tcQuery;

    private LibBpf(SymbolLookup libbpf) {
        objectOpenMem = downcall(libbpf, "bpf_object__open_mem", true,
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        objectLoad = downcall(libbpf, "bpf_object__load", false, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        objectClose = downcall(libbpf, "bpf_object__close", false, FunctionDescriptor.ofVoid(ADDRESS));
        findProgramByName = downcall(libbpf, "bpf_object__find_program_by_name", false,
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        programFd = downcall(libbpf, "bpf_program__fd", false, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        findMapByName = downcall(libbpf, "bpf_object__find_map_by_name", false,
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        mapFd = downcall(libbpf, "bpf_map__fd", false, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        xdpAttach = downcall(libbpf, "bpf_xdp_attach", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        xdpDetach = downcall(libbpf, "bpf_xdp_detach", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        xdpQueryId = downcall(libbpf, "bpf_xdp_query_id", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        progGetFdById = downcall(libbpf, "bpf_prog_get_fd_by_id", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        mapGetFdById = downcall(libbpf, "bpf_map_get_fd_by_id", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        // libbpf 1.1 predates bpf_prog_get_info_by_fd/bpf_map_get_info_by_fd; this is the common form.
        objGetInfoByFd = downcall(libbpf, "bpf_obj_get_info_by_fd", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        mapUpdateElem = downcall(libbpf, "bpf_map_update_elem", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        mapLookupElem = downcall(libbpf, "bpf_map_lookup_elem", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        mapDeleteElem = downcall(libbpf, "bpf_map_delete_elem", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        mapGetNextKey = downcall(libbpf, "bpf_map_get_next_key", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        numPossibleCpus = downcall(libbpf, "libbpf_num_possible_cpus", false, FunctionDescriptor.of(JAVA_INT));
        strerror = downcall(libbpf, "libbpf_strerror", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
        progTestRunOpts = downcall(libbpf, "bpf_prog_test_run_opts", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        enableStats = downcall(libbpf, "bpf_enable_stats", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        tcHookCreate = downcall(libbpf, "bpf_tc_hook_create", false, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        tcHookDestroy = downcall(libbpf, "bpf_tc_hook_destroy", false, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        tcAttach = downcall(libbpf, "bpf_tc_attach", false, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        linkCreate = downcall(libbpf, "bpf_link_create", false,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        tcDetach = downcall(libbpf, "bpf_tc_detach", false, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        tcQuery = downcall(libbpf, "bpf_tc_query", false, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    /** Either the loaded library or the reason it could not be loaded, decided once. */
    private static final class Holder {
        static final Object LIBRARY = load();

        @SuppressWarnings("restricted") // loading native libraries is what this class is for
        private static Object load() {
            try {
                return new LibBpf(SymbolLookup.libraryLookup("libbpf.so.1", Arena.global()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                return "cannot use libbpf.so.1 (" + e.getMessage()
                        + "); install libbpf1 (apt-get install -y libbpf1)";
            }
        }
    }

    static LibBpf get() {
        if (Holder.LIBRARY instanceof LibBpf lib) {
            return lib;
        }
        throw new BpfException((String) Holder.LIBRARY);
    }

    @SuppressWarnings("restricted") // downcalls are what this class is for
    private static MethodHandle downcall(SymbolLookup lookup, String name, boolean captureErrno,
                                         FunctionDescriptor descriptor) {
        MemorySegment symbol = lookup.find(name).orElseThrow(
                () -> new IllegalStateException("symbol " + name + " not found"));
        return captureErrno
                ? LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(symbol, descriptor);
    }

    private static RuntimeException invocationFailure(String function, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call " + function + " failed", t);
    }

    /* ---- libbpf objects ---- */

    /** Returns the bpf_object pointer, or throws with the errno libbpf left. */
    MemorySegment objectOpenMem(MemorySegment image, MemorySegment opts, String objectName) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CAPTURE_LAYOUT);
            MemorySegment obj = (MemorySegment) objectOpenMem.invokeExact(state, image, image.byteSize(), opts);
            if (obj.equals(MemorySegment.NULL)) {
                throw new BpfException("bpf_object__open_mem", "object " + objectName, (int) ERRNO.get(state, 0L));
            }
            return obj;
        } catch (Throwable t) {
            throw invocationFailure("bpf_object__open_mem", t);
        }
    }

    int objectLoad(MemorySegment obj) {
        try {
            return (int) objectLoad.invokeExact(obj);
        } catch (Throwable t) {
            throw invocationFailure("bpf_object__load", t);
        }
    }

    void objectClose(MemorySegment obj) {
        try {
            objectClose.invokeExact(obj);
        } catch (Throwable t) {
            throw invocationFailure("bpf_object__close", t);
        }
    }

    /** Returns the bpf_program pointer or {@code Optional.empty()} when the object has no such program. */
    Optional<MemorySegment> findProgramByName(MemorySegment obj, String name) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment prog = (MemorySegment) findProgramByName.invokeExact(obj, call.allocateFrom(name));
            return prog.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(prog);
        } catch (Throwable t) {
            throw invocationFailure("bpf_object__find_program_by_name", t);
        }
    }

    int programFd(MemorySegment prog) {
        try {
            return (int) programFd.invokeExact(prog);
        } catch (Throwable t) {
            throw invocationFailure("bpf_program__fd", t);
        }
    }

    Optional<MemorySegment> findMapByName(MemorySegment obj, String name) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment map = (MemorySegment) findMapByName.invokeExact(obj, call.allocateFrom(name));
            return map.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(map);
        } catch (Throwable t) {
            throw invocationFailure("bpf_object__find_map_by_name", t);
        }
    }

    int mapFd(MemorySegment map) {
        try {
            return (int) mapFd.invokeExact(map);
        } catch (Throwable t) {
            throw invocationFailure("bpf_map__fd", t);
        }
    }

    /* ---- XDP ---- */

    int xdpAttach(int ifindex, int progFd, int flags, MemorySegment opts) {
        try {
            return (int) xdpAttach.invokeExact(ifindex, progFd, flags, opts);
        } catch (Throwable t) {
            throw invocationFailure("bpf_xdp_attach", t);
        }
    }

    int xdpDetach(int ifindex, int flags, MemorySegment opts) {
        try {
            return (int) xdpDetach.invokeExact(ifindex, flags, opts);
        } catch (Throwable t) {
            throw invocationFailure("bpf_xdp_detach", t);
        }
    }

    int xdpQueryId(int ifindex, int flags, MemorySegment progIdOut) {
        try {
            return (int) xdpQueryId.invokeExact(ifindex, flags, progIdOut);
        } catch (Throwable t) {
            throw invocationFailure("bpf_xdp_query_id", t);
        }
    }

    /* ---- TC (clsact qdisc, cls_bpf filters) ---- */

    /** bpf_tc_hook_create: 0, or the negative errno (EEXIST: the clsact qdisc is there already). */
    int tcHookCreate(MemorySegment hook) {
        try {
            return (int) tcHookCreate.invokeExact(hook);
        } catch (Throwable t) {
            throw invocationFailure("bpf_tc_hook_create", t);
        }
    }

    /** bpf_tc_hook_destroy: 0, or the negative errno. */
    int tcHookDestroy(MemorySegment hook) {
        try {
            return (int) tcHookDestroy.invokeExact(hook);
        } catch (Throwable t) {
            throw invocationFailure("bpf_tc_hook_destroy", t);
        }
    }

    /**
     * bpf_link_create(progFd, targetFd, attachType, NULL): the link's descriptor, or the negative
     * errno. The attachment lasts as long as the descriptor (unless pinned).
     */
    int linkCreate(int progFd, int targetFd, int attachType) {
        try {
            return (int) linkCreate.invokeExact(progFd, targetFd, attachType, MemorySegment.NULL);
        } catch (Throwable t) {
            throw invocationFailure("bpf_link_create", t);
        }
    }

    /** bpf_tc_attach: 0 (opts then holds the filter's handle, priority and program id), or the negative errno. */
    int tcAttach(MemorySegment hook, MemorySegment opts) {
        try {
            return (int) tcAttach.invokeExact(hook, opts);
        } catch (Throwable t) {
            throw invocationFailure("bpf_tc_attach", t);
        }
    }

    /** bpf_tc_detach: 0, or the negative errno (ENOENT: no such filter). */
    int tcDetach(MemorySegment hook, MemorySegment opts) {
        try {
            return (int) tcDetach.invokeExact(hook, opts);
        } catch (Throwable t) {
            throw invocationFailure("bpf_tc_detach", t);
        }
    }

    /** bpf_tc_query: 0 (opts then holds the program id), or the negative errno. */
    int tcQuery(MemorySegment hook, MemorySegment opts) {
        try {
            return (int) tcQuery.invokeExact(hook, opts);
        } catch (Throwable t) {
            throw invocationFailure("bpf_tc_query", t);
        }
    }

    /* ---- kernel objects by id ---- */

    int progGetFdById(int id) {
        try {
            return (int) progGetFdById.invokeExact(id);
        } catch (Throwable t) {
            throw invocationFailure("bpf_prog_get_fd_by_id", t);
        }
    }

    int mapGetFdById(int id) {
        try {
            return (int) mapGetFdById.invokeExact(id);
        } catch (Throwable t) {
            throw invocationFailure("bpf_map_get_fd_by_id", t);
        }
    }

    /** bpf_obj_get_info_by_fd; {@code info} is filled up to its size. */
    int objGetInfoByFd(int fd, MemorySegment info) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment length = call.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, (int) info.byteSize());
            return (int) objGetInfoByFd.invokeExact(fd, info, length);
        } catch (Throwable t) {
            throw invocationFailure("bpf_obj_get_info_by_fd", t);
        }
    }

    int mapUpdateElem(int fd, MemorySegment key, MemorySegment value, long flags) {
        try {
            return (int) mapUpdateElem.invokeExact(fd, key, value, flags);
        } catch (Throwable t) {
            throw invocationFailure("bpf_map_update_elem", t);
        }
    }

    int mapLookupElem(int fd, MemorySegment key, MemorySegment value) {
        try {
            return (int) mapLookupElem.invokeExact(fd, key, value);
        } catch (Throwable t) {
            throw invocationFailure("bpf_map_lookup_elem", t);
        }
    }

    /** bpf_map_delete_elem: 0, or the negative errno (ENOENT when the key is absent). */
    int mapDeleteElem(int fd, MemorySegment key) {
        try {
            return (int) mapDeleteElem.invokeExact(fd, key);
        } catch (Throwable t) {
            throw invocationFailure("bpf_map_delete_elem", t);
        }
    }

    /** bpf_map_get_next_key ({@code key} NULL for the first): 0, or the negative errno (ENOENT after the last). */
    int mapGetNextKey(int fd, MemorySegment key, MemorySegment nextKey) {
        try {
            return (int) mapGetNextKey.invokeExact(fd, key, nextKey);
        } catch (Throwable t) {
            throw invocationFailure("bpf_map_get_next_key", t);
        }
    }

    int numPossibleCpus() {
        try {
            return (int) numPossibleCpus.invokeExact();
        } catch (Throwable t) {
            throw invocationFailure("libbpf_num_possible_cpus", t);
        }
    }

    /** Text for an errno or a libbpf error code (either sign). */
    String strerror(int err) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buf = call.allocate(256);
            int rc = (int) strerror.invokeExact(err, buf, buf.byteSize());
            String text = buf.getString(0);
            return rc < 0 && text.isEmpty() ? "unknown error " + Math.abs(err) : text;
        } catch (Throwable t) {
            throw invocationFailure("libbpf_strerror", t);
        }
    }

    /* ---- BPF_PROG_RUN ---- */

    /** bpf_prog_test_run_opts: 0, or the negative errno (EINTR when a signal cut a long run short). */
    int progTestRunOpts(int progFd, MemorySegment opts) {
        try {
            return (int) progTestRunOpts.invokeExact(progFd, opts);
        } catch (Throwable t) {
            throw invocationFailure("bpf_prog_test_run_opts", t);
        }
    }

    /** bpf_enable_stats: a file descriptor that keeps the statistics on while open, or the negative errno. */
    int enableStats(int type) {
        try {
            return (int) enableStats.invokeExact(type);
        } catch (Throwable t) {
            throw invocationFailure("bpf_enable_stats", t);
        }
    }

    /* ---- helpers for the struct fields ---- */

    /** Reads a fixed-size, NUL-padded char array without trusting it to be terminated. */
    static String fixedString(MemorySegment struct, long offset, int capacity) {
        byte[] bytes = struct.asSlice(offset, capacity).toArray(JAVA_BYTE);
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** The name the kernel stores for {@code name}: at most BPF_OBJ_NAME_LEN - 1 bytes. */
    static String kernelName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return bytes.length < OBJ_NAME_LEN ? name
                : new String(bytes, 0, OBJ_NAME_LEN - 1, StandardCharsets.UTF_8);
    }

    static boolean isPerCpuMapType(int type) {
        return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY
                || type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
    }
}
