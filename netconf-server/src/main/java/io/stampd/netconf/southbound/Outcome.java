package io.stampd.netconf.southbound;

import io.stampd.grpc.srv6pm.StatusCode;
import io.stampd.store.StoreException;
import org.opendaylight.yangtools.yang.common.ErrorTag;

/**
 * How a southbound call ended: a StatusCode and a description for the controller. The reference
 * API has no code for "locked": a lock held over NETCONF (or a confirmed commit waiting) refuses a
 * change with INTERNAL_ERROR and a description naming the holder, RESET_FAILED for Reset.
 */
record Outcome(StatusCode status, String description) {
    static final Outcome SUCCESS = new Outcome(StatusCode.STATUS_CODE_SUCCESS, "");

    /** Thrown inside a call to end it with this outcome. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Outcome outcome;

        Refusal(StatusCode status, String description) {
            super(description, null, false, false);
            this.outcome = new Outcome(status, description);
        }

        Outcome outcome() {
            return outcome;
        }
    }

    static Refusal refuse(StatusCode status, String description) {
        return new Refusal(status, description);
    }

    static Refusal invalid(String description) {
        return new Refusal(StatusCode.STATUS_CODE_INVALID_ARGUMENT, description);
    }

    static Refusal notFound(String role, int ssid) {
        return new Refusal(StatusCode.STATUS_CODE_SESSION_NOT_FOUND, "no " + role + " session has SSID " + ssid);
    }

    /**
     * A change the store refused: a lock or a waiting confirmed commit gives {@code busy}; anything
     * else (the model's constraints, the data plane's checks) is the request's fault.
     */
    static Refusal of(StoreException e, StatusCode busy) {
        ErrorTag tag = e.first().tag();
        boolean locked = ErrorTag.LOCK_DENIED.equals(tag) || ErrorTag.IN_USE.equals(tag);
        String path = e.first().path() == null ? "" : " (" + e.first().path().xpath() + ")";
        return new Refusal(locked ? busy : StatusCode.STATUS_CODE_INVALID_ARGUMENT, e.getMessage() + path);
    }
}
