package io.stampd.store;

/**
 * Who holds a lock or made a change: a NETCONF session, or a client of another front end (gRPC).
 * Locks are keyed by owner, so a lock taken over one protocol holds off writes over the other.
 *
 * @param protocol    the front end ({@code netconf}, {@code grpc})
 * @param id          the NETCONF session-id; for other front ends a number unique among their clients
 * @param description how messages name the owner ("NETCONF session 5", "gRPC client [::1]:4242")
 */
public record LockOwner(String protocol, long id, String description) {
    public static final String NETCONF = "netconf";
    /**
     * The agent itself (restoring or seeding running, internal reads): no client, so access
     * control does not apply to it.
     */
    public static final LockOwner AGENT = new LockOwner("agent", 0, "the agent");

    public static LockOwner netconf(long sessionId) {
        return new LockOwner(NETCONF, sessionId, "NETCONF session " + sessionId);
    }

    public static LockOwner of(String protocol, long id, String description) {
        return new LockOwner(protocol, id, description);
    }

    /**
     * The session-id a NETCONF lock-denied error and /netconf-state report for this owner: RFC 6241
     * (section 7.5) says 0 when the holder is not a NETCONF session.
     */
    public long netconfSessionId() {
        return NETCONF.equals(protocol) ? id : 0;
    }

    @Override
    public String toString() {
        return description;
    }
}
