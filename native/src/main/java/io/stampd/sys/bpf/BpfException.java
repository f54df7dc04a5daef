package io.stampd.sys.bpf;

/**
 * A libbpf or kernel BPF operation failed. The message names the operation, what it acted on
 * and the errno text, e.g. {@code bpf_xdp_attach failed for interface rfl0 (ifindex 4), native
 * mode: Device or resource busy (errno 16)}.
 */
public final class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    /** Failure with an errno; {@code errno} may be given with either sign, as libbpf returns it. */
    BpfException(String operation, String subject, int errno) {
        this(operation, subject, errno, null);
    }

    /** As above, with a hint appended after the errno text (what probably went wrong). */
    BpfException(String operation, String subject, int errno, String hint) {
        super(operation + " failed for " + subject + ": " + describe(errno)
                + (hint == null ? "" : "; " + hint));
        this.operation = operation;
        this.errno = Math.abs(errno);
    }

    /** Failure that is not an errno from a call, e.g. a missing library or object file. */
    BpfException(String message) {
        super(message);
        this.operation = "";
        this.errno = 0;
    }

    /** The libbpf function that failed, or "" when the failure did not come from one call. */
    public String operation() {
        return operation;
    }

    /** The positive errno (or libbpf error code), 0 when there was none. */
    public int errno() {
        return errno;
    }

    private static String describe(int errno) {
        int code = Math.abs(errno);
        return LibBpf.get().strerror(code) + " (errno " + code + ")";
    }
}
