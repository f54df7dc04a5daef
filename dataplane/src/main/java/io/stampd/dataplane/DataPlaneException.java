package io.stampd.dataplane;

/**
 * A data plane could not do what was asked (socket setup, a port in use, a missing interface...).
 * The message names the session and the resource, so it can go to an operator unchanged.
 */
public class DataPlaneException extends RuntimeException {
    private final Reason reason;

    public enum Reason { PORT_IN_USE, ADDRESS_NOT_AVAILABLE, INVALID_CONFIGURATION, RESOURCE, INTERNAL }

    public DataPlaneException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DataPlaneException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
