package io.stampd.store;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What all sessions share: running, the candidate, and the locks on them. Operations that change
 * a datastore run one at a time under this object's monitor, so that a lock check and the change
 * it permits cannot interleave with another session's.
 */
public final class ConfigStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);

    private final RunningDatastore running;
    private final SharedCandidate candidate;
    private final DatastoreLocks locks = new DatastoreLocks();

    public ConfigStore(RunningDatastore running, SharedCandidate candidate) {
        this.running = running;
        this.candidate = candidate;
    }

    public RunningDatastore running() {
        return running;
    }

    public SharedCandidate candidate() {
        return candidate;
    }

    public DatastoreLocks locks() {
        return locks;
    }

    /**
     * A session ended: its locks go, and if it held the candidate's lock, the changes it left
     * uncommitted go with it (nobody else could have made them).
     */
    public synchronized void sessionEnded(long sessionId) {
        List<Datastore> released = locks.releaseAll(sessionId);
        if (released.isEmpty()) {
            return;
        }
        LOG.info("session {} ended holding locks on {}; released", sessionId, released);
        if (released.contains(Datastore.CANDIDATE) && candidate.modified()) {
            try {
                candidate.discard();
                LOG.info("discarded the uncommitted candidate changes of session {}", sessionId);
            } catch (StoreException e) {
                LOG.warn("could not discard the candidate of ended session {}: {}", sessionId, e.getMessage());
            }
        }
    }
}
