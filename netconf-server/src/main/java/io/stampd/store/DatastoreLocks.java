package io.stampd.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The global locks of RFC 6241 section 7.5, one per datastore: held by one owner until it unlocks
 * or ends. A lock held by another owner makes writes to that datastore fail with lock-denied, whose
 * error-info names the holder's session-id (0 for a holder that is not a NETCONF session).
 */
public final class DatastoreLocks {
    /** Who holds a lock and since when (for /netconf-state/datastores). */
    public record Holder(LockOwner owner, Instant since) {
    }

    private final Map<Datastore, Holder> holders = new EnumMap<>(Datastore.class);

    public synchronized void lock(Datastore datastore, LockOwner owner) throws StoreException {
        Holder h = holders.get(datastore);
        if (h != null) {
            throw new StoreException(StoreError.lockDenied(h.owner().netconfSessionId(), "the "
                    + datastore.xmlName() + " datastore is already locked by " + h.owner()
                    + (h.owner().equals(owner) ? " (this session)" : "")));
        }
        holders.put(datastore, new Holder(owner, Instant.now()));
    }

    public synchronized void unlock(Datastore datastore, LockOwner owner) throws StoreException {
        Holder h = holders.get(datastore);
        if (h == null || !h.owner().equals(owner)) {
            throw new StoreException(StoreError.operationFailed(null, owner + " holds no lock on the "
                    + datastore.xmlName() + " datastore" + (h == null ? "" : "; " + h.owner() + " does"))
                    .withInfo("session-id", h == null ? "0" : Long.toString(h.owner().netconfSessionId())));
        }
        holders.remove(datastore);
    }

    /** Refuses a change of {@code datastore} by {@code owner} while another owner holds its lock. */
    public synchronized void checkWritable(Datastore datastore, LockOwner owner, String operation)
            throws StoreException {
        Holder h = holders.get(datastore);
        if (h != null && !h.owner().equals(owner)) {
            throw new StoreException(StoreError.lockDenied(h.owner().netconfSessionId(), operation
                    + " refused: the " + datastore.xmlName() + " datastore is locked by " + h.owner()));
        }
    }

    public synchronized Optional<Holder> holder(Datastore datastore) {
        return Optional.ofNullable(holders.get(datastore));
    }

    /** Releases every lock of an owner that ended; returns the datastores it had locked. */
    public synchronized List<Datastore> releaseAll(LockOwner owner) {
        List<Datastore> released = new ArrayList<>();
        holders.entrySet().removeIf(e -> {
            boolean mine = e.getValue().owner().equals(owner);
            if (mine) {
                released.add(e.getKey());
            }
            return mine;
        });
        return released;
    }
}
