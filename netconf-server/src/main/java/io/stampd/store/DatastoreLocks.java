package io.stampd.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The global locks of RFC 6241 section 7.5, one per datastore: held by one session until it
 * unlocks or ends. A lock held by another session makes writes to that datastore fail with
 * lock-denied, whose error-info names the holder's session-id.
 */
public final class DatastoreLocks {
    /** Who holds a lock and since when (for /netconf-state/datastores). */
    public record Holder(long sessionId, Instant since) {
    }

    private final Map<Datastore, Holder> holders = new EnumMap<>(Datastore.class);

    public synchronized void lock(Datastore datastore, long sessionId) throws StoreException {
        Holder h = holders.get(datastore);
        if (h != null) {
            throw new StoreException(StoreError.lockDenied(h.sessionId(), "the " + datastore.xmlName()
                    + " datastore is already locked by session " + h.sessionId()
                    + (h.sessionId() == sessionId ? " (this session)" : "")));
        }
        holders.put(datastore, new Holder(sessionId, Instant.now()));
    }

    public synchronized void unlock(Datastore datastore, long sessionId) throws StoreException {
        Holder h = holders.get(datastore);
        if (h == null || h.sessionId() != sessionId) {
            throw new StoreException(StoreError.operationFailed(null, "this session holds no lock on the "
                    + datastore.xmlName() + " datastore" + (h == null ? "" : "; session " + h.sessionId() + " does"))
                    .withInfo("session-id", h == null ? "0" : Long.toString(h.sessionId())));
        }
        holders.remove(datastore);
    }

    /** Refuses a change of {@code datastore} by {@code sessionId} while another session holds its lock. */
    public synchronized void checkWritable(Datastore datastore, long sessionId, String operation)
            throws StoreException {
        Holder h = holders.get(datastore);
        if (h != null && h.sessionId() != sessionId) {
            throw new StoreException(StoreError.lockDenied(h.sessionId(), operation + " refused: the "
                    + datastore.xmlName() + " datastore is locked by session " + h.sessionId()));
        }
    }

    public synchronized Optional<Holder> holder(Datastore datastore) {
        return Optional.ofNullable(holders.get(datastore));
    }

    /** Releases every lock of a session that ended; returns the datastores it had locked. */
    public synchronized List<Datastore> releaseAll(long sessionId) {
        List<Datastore> released = new ArrayList<>();
        holders.entrySet().removeIf(e -> {
            boolean mine = e.getValue().sessionId() == sessionId;
            if (mine) {
                released.add(e.getKey());
            }
            return mine;
        });
        return released;
    }
}
