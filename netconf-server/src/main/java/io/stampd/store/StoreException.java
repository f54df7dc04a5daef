package io.stampd.store;

import java.util.List;

/** An operation refused with one or more rpc-errors; the reply carries all of them. */
public final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<StoreError> errors;

    public StoreException(StoreError error) {
        this(List.of(error));
    }

    public StoreException(List<StoreError> errors) {
        super(errors.isEmpty() ? "no error" : errors.getFirst().message());
        this.errors = List.copyOf(errors);
    }

    public List<StoreError> errors() {
        return errors;
    }

    /** The first error, which names the reason the operation stopped. */
    public StoreError first() {
        return errors.getFirst();
    }
}
