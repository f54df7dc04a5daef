package io.stampd.netconf.protocol;

import java.util.List;

/** An operation refused with one or more rpc-errors; the reply carries all of them. */
public final class RpcErrorException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<RpcError> errors;

    public RpcErrorException(RpcError error) {
        this(List.of(error));
    }

    public RpcErrorException(List<RpcError> errors) {
        super(errors.isEmpty() ? "no error" : errors.getFirst().message());
        this.errors = List.copyOf(errors);
    }

    public List<RpcError> errors() {
        return errors;
    }

    /** The first error, which names the reason the operation stopped. */
    public RpcError first() {
        return errors.getFirst();
    }
}
