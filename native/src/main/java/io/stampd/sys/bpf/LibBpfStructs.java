package io.stampd.sys.bpf;

import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The structs LibBpf passes to libbpf and the bpf(2) info calls, as FFM layouts: the Linux 6.1
 * UAPI (linux/bpf.h, Debian 12) and libbpf 1.1 (bpf/bpf.h, bpf/libbpf.h). Member names are the C
 * field names ({@code KernelStructLayoutTest} checks them with offsetof/sizeof); bit-fields and
 * unnamed padding members are padding elements. The offset and size constants of LibBpf are
 * derived from these layouts.
 *
 * <p>These structs only grow at the end. The info structs go to the kernel with their size, and
 * the option structs start with {@code sz}: a newer kernel or libbpf accepts these older sizes.
 */
public final class LibBpfStructs {
    private LibBpfStructs() {
    }

    /** BPF_TAG_SIZE (linux/bpf.h). */
    private static final int TAG_SIZE = 8;

    /** struct bpf_prog_info (linux/bpf.h, Linux 6.1, aligned(8)); {@code __aligned_u64} pointers are JAVA_LONG. */
    public static final StructLayout BPF_PROG_INFO = structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("id"),
            sequenceLayout(TAG_SIZE, JAVA_BYTE).withName("tag"),
            JAVA_INT.withName("jited_prog_len"),
            JAVA_INT.withName("xlated_prog_len"),
            JAVA_LONG.withName("jited_prog_insns"),
            JAVA_LONG.withName("xlated_prog_insns"),
            JAVA_LONG.withName("load_time"),
            JAVA_INT.withName("created_by_uid"),
            JAVA_INT.withName("nr_map_ids"),
            JAVA_LONG.withName("map_ids"),
            sequenceLayout(LibBpf.OBJ_NAME_LEN, JAVA_BYTE).withName("name"),
            JAVA_INT.withName("ifindex"),
            paddingLayout(4), // __u32 gpl_compatible:1; __u32 :31;
            JAVA_LONG.withName("netns_dev"),
            JAVA_LONG.withName("netns_ino"),
            JAVA_INT.withName("nr_jited_ksyms"),
            JAVA_INT.withName("nr_jited_func_lens"),
            JAVA_LONG.withName("jited_ksyms"),
            JAVA_LONG.withName("jited_func_lens"),
            JAVA_INT.withName("btf_id"),
            JAVA_INT.withName("func_info_rec_size"),
            JAVA_LONG.withName("func_info"),
            JAVA_INT.withName("nr_func_info"),
            JAVA_INT.withName("nr_line_info"),
            JAVA_LONG.withName("line_info"),
            JAVA_LONG.withName("jited_line_info"),
            JAVA_INT.withName("nr_jited_line_info"),
            JAVA_INT.withName("line_info_rec_size"),
            JAVA_INT.withName("jited_line_info_rec_size"),
            JAVA_INT.withName("nr_prog_tags"),
            JAVA_LONG.withName("prog_tags"),
            JAVA_LONG.withName("run_time_ns"),
            JAVA_LONG.withName("run_cnt"),
            JAVA_LONG.withName("recursion_misses"),
            JAVA_INT.withName("verified_insns"),
            JAVA_INT.withName("attach_btf_obj_id"),
            JAVA_INT.withName("attach_btf_id"),
            paddingLayout(4) // __u32 :32;
    ).withName("bpf_prog_info");

    /** struct bpf_map_info (linux/bpf.h, Linux 6.1, aligned(8)). */
    public static final StructLayout BPF_MAP_INFO = structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("id"),
            JAVA_INT.withName("key_size"),
            JAVA_INT.withName("value_size"),
            JAVA_INT.withName("max_entries"),
            JAVA_INT.withName("map_flags"),
            sequenceLayout(LibBpf.OBJ_NAME_LEN, JAVA_BYTE).withName("name"),
            JAVA_INT.withName("ifindex"),
            JAVA_INT.withName("btf_vmlinux_value_type_id"),
            JAVA_LONG.withName("netns_dev"),
            JAVA_LONG.withName("netns_ino"),
            JAVA_INT.withName("btf_id"),
            JAVA_INT.withName("btf_key_type_id"),
            JAVA_INT.withName("btf_value_type_id"),
            paddingLayout(4), // __u32 :32;
            JAVA_LONG.withName("map_extra")
    ).withName("bpf_map_info");

    /** struct bpf_xdp_attach_opts (bpf/libbpf.h, libbpf 1.1): size_t sz; int old_prog_fd; size_t :0. */
    public static final StructLayout BPF_XDP_ATTACH_OPTS = structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_INT.withName("old_prog_fd"),
            paddingLayout(4) // size_t :0;
    ).withName("bpf_xdp_attach_opts");

    /** struct bpf_tc_hook (bpf/libbpf.h, libbpf 1.1): which clsact hook of which interface. */
    public static final StructLayout BPF_TC_HOOK = structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_INT.withName("ifindex"),
            JAVA_INT.withName("attach_point"),
            JAVA_INT.withName("parent"),
            paddingLayout(4) // size_t :0;
    ).withName("bpf_tc_hook");

    /** struct bpf_tc_opts (bpf/libbpf.h, libbpf 1.1): one cls_bpf filter. */
    public static final StructLayout BPF_TC_OPTS = structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_INT.withName("prog_fd"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("prog_id"),
            JAVA_INT.withName("handle"),
            JAVA_INT.withName("priority"),
            paddingLayout(4) // size_t :0;
    ).withName("bpf_tc_opts");

    /** struct xdp_md (linux/bpf.h): an XDP program's context, as BPF_PROG_RUN takes it in ctx_in. */
    public static final StructLayout XDP_MD = structLayout(
            JAVA_INT.withName("data"),
            JAVA_INT.withName("data_end"),
            JAVA_INT.withName("data_meta"),
            JAVA_INT.withName("ingress_ifindex"),
            JAVA_INT.withName("rx_queue_index"),
            JAVA_INT.withName("egress_ifindex")
    ).withName("xdp_md");

    /** struct bpf_object_open_opts (bpf/libbpf.h, libbpf 1.1). */
    public static final StructLayout BPF_OBJECT_OPEN_OPTS = structLayout(
            JAVA_LONG.withName("sz"),
            ADDRESS.withName("object_name"),
            JAVA_BYTE.withName("relaxed_maps"), // bool
            paddingLayout(7),
            ADDRESS.withName("pin_root_path"),
            paddingLayout(8), // __u32 :32 (the removed attach_prog_fd), then alignment
            ADDRESS.withName("kconfig"),
            ADDRESS.withName("btf_custom_path"),
            ADDRESS.withName("kernel_log_buf"),
            JAVA_LONG.withName("kernel_log_size"),
            JAVA_INT.withName("kernel_log_level"),
            paddingLayout(4) // size_t :0;
    ).withName("bpf_object_open_opts");

    /** struct bpf_test_run_opts (bpf/bpf.h, libbpf 1.1): BPF_PROG_RUN. */
    public static final StructLayout BPF_TEST_RUN_OPTS = structLayout(
            JAVA_LONG.withName("sz"),
            ADDRESS.withName("data_in"),
            ADDRESS.withName("data_out"),
            JAVA_INT.withName("data_size_in"),
            JAVA_INT.withName("data_size_out"),
            ADDRESS.withName("ctx_in"),
            ADDRESS.withName("ctx_out"),
            JAVA_INT.withName("ctx_size_in"),
            JAVA_INT.withName("ctx_size_out"),
            JAVA_INT.withName("retval"),
            JAVA_INT.withName("repeat"),
            JAVA_INT.withName("duration"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("cpu"),
            JAVA_INT.withName("batch_size")
    ).withName("bpf_test_run_opts");
}
