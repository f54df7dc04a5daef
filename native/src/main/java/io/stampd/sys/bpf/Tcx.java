package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

/**
 * TC programs attached as TCX links (Linux 6.6): unlike a clsact filter, a link belongs to its
 * descriptor, so the attachment ends when the descriptor is closed or the process exits. For a
 * program that must not outlive the agent that reads what it diverts.
 */
public final class Tcx {
    /** enum bpf_attach_type BPF_TCX_INGRESS (newer than the build machine's UAPI headers). */
    public static final int BPF_TCX_INGRESS = 46;

    private Tcx() {
    }

    /**
     * Attaches SCHED_CLS program {@code programFd} to the TC ingress of {@code ifindex}, after any
     * program already there; returns the link's descriptor (close it to detach).
     *
     * @throws BpfException naming the errno if the kernel refuses it
     */
    public static int attachIngress(int programFd, int ifindex) {
        int fd = LibBpf.get().linkCreate(programFd, ifindex, BPF_TCX_INGRESS);
        if (fd < 0) {
            throw new BpfException("bpf_link_create", "TCX ingress of interface " + NetInterfaces.describe(ifindex)
                    + ", program fd " + programFd, fd);
        }
        return fd;
    }

    /** Detaches: closes the link's descriptor. */
    public static void detach(int linkFd) {
        Libc.close(linkFd);
    }
}
