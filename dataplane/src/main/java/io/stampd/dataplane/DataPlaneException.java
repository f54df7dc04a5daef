package io.stampd.dataplane;

import java.util.Optional;

/**
 * A data plane could not do what was asked (socket setup, a port in use, a missing interface...).
 * The message names the session and the resource, so it can go to an operator unchanged; the
 * {@link Subject} says which part of the configuration it concerns, so that a management
 * protocol can point at the node (e.g. a NETCONF error-path).
 */
public class DataPlaneException extends RuntimeException {
    private final Reason reason;
    private final Subject subject;

    public enum Reason { PORT_IN_USE, ADDRESS_NOT_AVAILABLE, INVALID_CONFIGURATION, UNSUPPORTED, RESOURCE, INTERNAL }

    /** A field of the configuration: of the plane, or of a sender or reflector session. */
    public enum Field { PLANE_TYPE, PLANE_INTERFACE, PLANE_MODE, SENDER_ADDRESS, SENDER_PORT, REFLECTOR_ADDRESS,
        REFLECTOR_PORT }

    /** What the failure concerns: {@code sessionId} is -1 for the plane itself. */
    public record Subject(Field field, long sessionId) {
        public static Subject plane(Field field) {
            return new Subject(field, -1);
        }
    }

    public DataPlaneException(Reason reason, String message) {
        this(reason, message, (Subject) null);
    }

    public DataPlaneException(Reason reason, String message, Subject subject) {
        super(message);
        this.reason = reason;
        this.subject = subject;
    }

    public DataPlaneException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.subject = null;
    }

    public DataPlaneException(Reason reason, String message, Subject subject, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.subject = subject;
    }

    public Reason reason() {
        return reason;
    }

    public Optional<Subject> subject() {
        return Optional.ofNullable(subject);
    }
}
