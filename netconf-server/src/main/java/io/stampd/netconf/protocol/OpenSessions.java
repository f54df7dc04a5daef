package io.stampd.netconf.protocol;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.opendaylight.netconf.api.NetconfSession;

/**
 * The NETCONF sessions that have sent an operation of this package, by session-id, so that
 * kill-session can end another one. A session that holds a lock is always known here: it took
 * the lock with one of these operations.
 */
public final class OpenSessions {
    private final Map<Long, NetconfSession> sessions = new ConcurrentHashMap<>();

    void seen(long sessionId, NetconfSession session) {
        sessions.putIfAbsent(sessionId, session);
    }

    void ended(long sessionId) {
        sessions.remove(sessionId);
    }

    Optional<NetconfSession> find(long sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }
}
