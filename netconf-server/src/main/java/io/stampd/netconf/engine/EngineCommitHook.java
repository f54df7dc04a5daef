package io.stampd.netconf.engine;

import io.stampd.netconf.CommitVetoException;
import io.stampd.netconf.ConfigChange;
import io.stampd.netconf.ConfigCommitHook;
import java.io.IOException;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's say over commits: a configuration is valid only if StampConfigCheck accepts it and
 * the data plane could run it (ports free, interface present); applying it changes the running
 * sessions incrementally and saves running to disk, both before the datastore commit, so that a
 * commit the client sees succeed is running on the wire and on disk.
 */
final class EngineCommitHook implements ConfigCommitHook {
    private static final Logger LOG = LoggerFactory.getLogger(EngineCommitHook.class);

    private final SessionManager sessions;
    private final RunningConfigFile saved;
    private final Runnable afterChange;
    private ConfigChange lastChange;
    /** Commits applied (and saved), for the metrics endpoint's stampd_commits_total. */
    private final java.util.concurrent.atomic.AtomicLong applied;
    private DesiredSessions lastDesired;

    EngineCommitHook(SessionManager sessions, RunningConfigFile saved, Runnable afterChange) {
        this(sessions, saved, afterChange, new java.util.concurrent.atomic.AtomicLong());
    }

    EngineCommitHook(SessionManager sessions, RunningConfigFile saved, Runnable afterChange,
                     java.util.concurrent.atomic.AtomicLong applied) {
        this.applied = applied;
        this.sessions = sessions;
        this.saved = saved;
        this.afterChange = afterChange;
    }

    @Override
    public void validate(ConfigChange change) throws CommitVetoException {
        sessions.check(desired(change));
    }

    /**
     * The sessions {@code change} asks for. A commit validates and then applies the same change:
     * it is read once (10,000 sessions take a few hundred milliseconds to read).
     */
    private synchronized DesiredSessions desired(ConfigChange change) throws CommitVetoException {
        if (change != lastChange) {
            lastDesired = DesiredSessions.of(change.after());
            lastChange = change;
        }
        return lastDesired;
    }

    @Override
    public void apply(ConfigChange change) throws CommitVetoException {
        long t0 = System.nanoTime();
        DesiredSessions desired = desired(change);
        synchronized (this) {
            lastChange = null; // applied: not kept beyond its commit
            lastDesired = null;
        }
        sessions.apply(desired);
        long t1 = System.nanoTime();
        try {
            saved.save(change.after());
            LOG.debug("commit applied to the sessions in {} ms, saved in {} ms", (t1 - t0) / 1_000_000,
                    (System.nanoTime() - t1) / 1_000_000);
        } catch (IOException e) {
            undo(change);
            throw new CommitVetoException(null, ErrorTag.OPERATION_FAILED, "cannot save the running configuration to "
                    + saved.path() + ": " + e.getMessage());
        }
        applied.incrementAndGet();
        afterChange.run();
    }

    @Override
    public void revert(ConfigChange change) {
        undo(change);
        afterChange.run();
        try {
            saved.save(change.before());
        } catch (IOException e) {
            LOG.error("cannot save the running configuration to {} after a failed commit: {}", saved.path(),
                    e.getMessage());
        }
        afterChange.run();
    }

    /** Goes back to the configuration before the change (which was running, so it is valid). */
    private void undo(ConfigChange change) {
        try {
            sessions.apply(DesiredSessions.of(change.before()));
        } catch (CommitVetoException e) {
            LOG.error("cannot return the sessions to the previous configuration: {}", e.getMessage());
        }
    }
}
