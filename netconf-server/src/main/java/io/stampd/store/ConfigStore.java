package io.stampd.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration datastores that every front end shares: running (through the commit hook that
 * programs the data plane), the one candidate, the locks keyed by owner, and the pending confirmed
 * commit. NETCONF operations and gRPC calls are thin adapters over these methods, as netopeer2's
 * operations are over sysrepo.
 *
 * <p>Changes run one at a time under this object's monitor, so that a lock check and the change
 * it permits cannot interleave with another owner's. A {@linkplain #transaction front-end
 * transaction} instead holds running's lock while it commits, so that other owners see it as a
 * lock holder (and get lock-denied) rather than waiting.
 */
public final class ConfigStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);

    /** A confirmed commit waiting for its confirmation (RFC 6241, section 8.4). */
    private record Pending(LockOwner owner, Optional<String> persist, ContainerNode rollback,
                           ScheduledFuture<?> timer) {
    }

    private final RunningDatastore running;
    private final SharedCandidate candidate;
    private final StoreSchema schema;
    private final DatastoreLocks locks = new DatastoreLocks();
    /** Front-end transactions queue here, so that they wait for each other instead of failing. */
    private final ReentrantLock transactions = new ReentrantLock(true);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stampd-confirmed-commit");
        t.setDaemon(true);
        return t;
    });
    private Pending pending;
    private RollbackJournal journal = RollbackJournal.NONE;
    /** Access control (NACM): asked before every change of the candidate or running. */
    private volatile DataAccess access = DataAccess.UNRESTRICTED;

    public ConfigStore(RunningDatastore running, StoreSchema schema) {
        this.running = running;
        this.schema = schema;
        this.candidate = new SharedCandidate(schema.newTree(ConfigTree.emptyRoot()), running);
    }

    /** Where a pending confirmed commit's rollback is kept across a restart (the application's files). */
    public synchronized void useRollbackJournal(RollbackJournal journal) {
        this.journal = journal;
    }

    /** From now on every change is checked by {@code control} (the agent plugs NACM in here). */
    public void useAccess(DataAccess control) {
        this.access = control;
    }

    public DataAccess access() {
        return access;
    }

    public DatastoreLocks locks() {
        return locks;
    }

    public StoreSchema schema() {
        return schema;
    }

    public ContainerNode running() throws StoreException {
        return running.read();
    }

    /** The operational datastore as mdsal holds it (state the application mirrors there). */
    public ContainerNode operational() throws StoreException {
        return running.readState();
    }

    public synchronized ContainerNode candidate() throws StoreException {
        return candidate.content();
    }

    public synchronized boolean candidateModified() {
        return candidate.modified();
    }

    public synchronized ContainerNode read(Datastore datastore) throws StoreException {
        return datastore == Datastore.CANDIDATE ? candidate.content() : running.read();
    }

    // ---- locks

    /** The candidate cannot be locked while it holds changes nobody committed or discarded (8.3.5.1). */
    public synchronized void lock(Datastore datastore, LockOwner owner) throws StoreException {
        if (datastore == Datastore.CANDIDATE && candidate.modified() && locks.holder(Datastore.CANDIDATE).isEmpty()) {
            throw new StoreException(StoreError.lockDenied(0, "the candidate holds uncommitted changes;"
                    + " commit or discard-changes before locking it"));
        }
        locks.lock(datastore, owner);
    }

    /** Unlocking the candidate discards what its holder left uncommitted (RFC 6241, 8.3.5.2). */
    public synchronized void unlock(Datastore datastore, LockOwner owner) throws StoreException {
        locks.unlock(datastore, owner);
        if (datastore == Datastore.CANDIDATE && candidate.modified()) {
            candidate.discard();
        }
    }

    /**
     * An owner is gone (its NETCONF session ended): its locks go, the candidate changes it left
     * under its lock go with them, and a confirmed commit it made without persist is rolled back
     * (RFC 6241, 8.4.1).
     */
    public synchronized void ownerEnded(LockOwner owner) {
        List<Datastore> released = locks.releaseAll(owner);
        if (!released.isEmpty()) {
            LOG.info("{} ended holding locks on {}; released", owner, released);
            if (released.contains(Datastore.CANDIDATE) && candidate.modified()) {
                try {
                    candidate.discard();
                    LOG.info("discarded the uncommitted candidate changes of {}", owner);
                } catch (StoreException e) {
                    LOG.warn("could not discard the candidate of {}: {}", owner, e.getMessage());
                }
            }
        }
        if (pending != null && pending.persist().isEmpty() && pending.owner().equals(owner)) {
            LOG.warn("{} ended before confirming its commit; rolling back", owner);
            rollBack("its session ended");
        }
    }

    // ---- the candidate

    public synchronized void editCandidate(LockOwner owner, ConfigTree.Change change) throws StoreException {
        locks.checkWritable(Datastore.CANDIDATE, owner, "edit");
        candidate.edit(change, (before, after) -> access.checkWrite(owner, before, after));
    }

    /** edit-config's test-only on the candidate: would the edit be permitted and valid? Changes nothing. */
    public synchronized void testCandidateEdit(LockOwner owner, ConfigTree.Change change) throws StoreException {
        locks.checkWritable(Datastore.CANDIDATE, owner, "edit-config");
        ContainerNode before = candidate.content();
        ConfigTree scratch = schema.newTree(before);
        scratch.change(change);
        ContainerNode after = scratch.content();
        access.checkWrite(owner, before, after);
        validate(after);
    }

    public synchronized void replaceCandidate(LockOwner owner, ContainerNode content) throws StoreException {
        locks.checkWritable(Datastore.CANDIDATE, owner, "copy");
        access.checkWrite(owner, candidate.content(), content);
        candidate.replace(content);
    }

    public synchronized void discardChanges(LockOwner owner) throws StoreException {
        locks.checkWritable(Datastore.CANDIDATE, owner, "discard-changes");
        candidate.discard();
    }

    // ---- running

    /**
     * Applies {@code change} to running (or, with {@code testOnly}, only checks that it could be):
     * the YANG constraints, then the commit hook, which may refuse it. All or nothing.
     */
    public synchronized void editRunning(LockOwner owner, ConfigTree.Change change, boolean testOnly)
            throws StoreException {
        locks.checkWritable(Datastore.RUNNING, owner, "edit");
        if (!testOnly) {
            checkNoForeignPendingCommit(owner, "edit of running");
        }
        ContainerNode before = running.read();
        ConfigTree scratch = schema.newTree(before);
        scratch.change(change);
        ContainerNode result = scratch.content();
        access.checkWrite(owner, before, result);
        checkConstraints(result);
        if (testOnly) {
            running.validate(result);
        } else {
            running.commit(result);
        }
    }

    public synchronized void replaceRunning(LockOwner owner, ContainerNode content) throws StoreException {
        locks.checkWritable(Datastore.RUNNING, owner, "copy");
        checkNoForeignPendingCommit(owner, "copy to running");
        access.checkWrite(owner, running.read(), content);
        checkConstraints(content);
        running.commit(content);
    }

    /** Whether {@code content} could become running: the YANG constraints and the commit hook's checks. */
    public void validate(ContainerNode content) throws StoreException {
        checkConstraints(content);
        running.validate(content);
    }

    /** The YANG constraints, and what the access control says about the rules a configuration holds. */
    private void checkConstraints(ContainerNode content) throws StoreException {
        schema.validate(content);
        access.validate(content);
    }

    /** What a front end's transaction does: the change it makes to the running it is given. */
    @FunctionalInterface
    public interface Transaction {
        /** May refuse with a StoreException; nothing is changed then. */
        ConfigTree.Change plan(ContainerNode running) throws StoreException;
    }

    /**
     * A front end's transaction on running (gRPC): {@code tx} plans a change of the current running,
     * which then passes the YANG constraints and the commit hook, or changes nothing. While it
     * commits, this owner holds running's lock, so a NETCONF lock or write in that time is refused
     * with lock-denied naming it; a lock held by someone else refuses the transaction the same way.
     * Transactions of front ends wait for each other.
     */
    public void transaction(LockOwner owner, Transaction tx) throws StoreException {
        transactions.lock();
        try {
            ContainerNode before;
            synchronized (this) {
                locks.checkWritable(Datastore.RUNNING, owner, "change");
                checkNoForeignPendingCommit(owner, "change");
                locks.lock(Datastore.RUNNING, owner);
                before = running.read();
            }
            try {
                ConfigTree scratch = schema.newTree(before);
                scratch.change(tx.plan(before));
                ContainerNode after = scratch.content();
                if (!after.equals(before)) {
                    access.checkWrite(owner, before, after);
                    checkConstraints(after);
                    running.commit(after);
                }
            } finally {
                synchronized (this) {
                    locks.unlock(Datastore.RUNNING, owner);
                }
            }
        } finally {
            transactions.unlock();
        }
    }

    // ---- commit

    /**
     * {@code <commit>}: the candidate becomes running. A confirmed commit keeps the running it
     * replaced and restores it (through the commit hook, so the data plane follows) unless a
     * confirming commit arrives within the timeout; RFC 6241, section 8.4 with :confirmed-commit:1.1.
     */
    public synchronized void commit(LockOwner owner, ConfirmedCommit parameters) throws StoreException {
        locks.checkWritable(Datastore.RUNNING, owner, "commit");
        locks.checkWritable(Datastore.CANDIDATE, owner, "commit");
        if (pending != null) {
            checkMayConfirm(owner, parameters.persistId(), "commit");
        } else if (parameters.persistId().isPresent()) {
            throw new StoreException(StoreError.invalidValue(null, "no confirmed commit is pending, so persist-id '"
                    + parameters.persistId().get() + "' names none").withInfo("bad-element", "persist-id"));
        }
        ContainerNode before = running.read();
        ContainerNode content = candidate.content();
        // the candidate is shared: its changes must be ones this owner may make, whoever made them
        access.checkWrite(owner, before, content);
        checkConstraints(content);
        boolean journalled = parameters.confirmed() && pending == null;
        if (journalled) {
            journal.pending(before); // first: a crash from here on restarts from before
        }
        try {
            running.commit(content);
        } catch (StoreException e) {
            if (journalled) {
                journal.cleared();
            }
            throw e;
        }
        candidate.committed();
        if (parameters.confirmed()) {
            ContainerNode rollback = pending != null ? pending.rollback() : before;
            if (pending != null) {
                pending.timer().cancel(false);
            }
            Duration timeout = parameters.timeout();
            ScheduledFuture<?> expiry = timer.schedule(this::expired, timeout.toMillis(), TimeUnit.MILLISECONDS);
            pending = new Pending(owner, parameters.persist(), rollback, expiry);
            LOG.info("confirmed commit by {}: rolled back in {} s unless confirmed", owner, timeout.toSeconds());
        } else if (pending != null) {
            pending.timer().cancel(false);
            pending = null;
            journal.cleared();
            LOG.info("{} confirmed the pending commit", owner);
        }
    }

    /** {@code <cancel-commit>}: the pending confirmed commit is rolled back now. */
    public synchronized void cancelCommit(LockOwner owner, Optional<String> persistId) throws StoreException {
        if (pending == null) {
            throw new StoreException(StoreError.operationFailed(null, "no confirmed commit is pending"));
        }
        checkMayConfirm(owner, persistId, "cancel-commit");
        rollBack("cancel-commit by " + owner);
    }

    /** Whether a confirmed commit waits for confirmation (for tests and logs). */
    public synchronized boolean confirmPending() {
        return pending != null;
    }

    private void checkMayConfirm(LockOwner owner, Optional<String> persistId, String operation)
            throws StoreException {
        if (pending.persist().isPresent()) {
            if (persistId.isEmpty()) {
                throw new StoreException(StoreError.operationFailed(null, "a confirmed commit with persist is pending;"
                        + " " + operation + " must give its persist-id"));
            }
            if (!pending.persist().get().equals(persistId.get())) {
                throw new StoreException(StoreError.invalidValue(null, "persist-id '" + persistId.get()
                        + "' does not name the pending confirmed commit").withInfo("bad-element", "persist-id"));
            }
        } else if (!pending.owner().equals(owner)) {
            throw new StoreException(StoreError.operationFailed(null, "a confirmed commit of " + pending.owner()
                    + " is pending; only that session can confirm or cancel it"));
        } else if (persistId.isPresent()) {
            throw new StoreException(StoreError.invalidValue(null, "the pending confirmed commit was made without"
                    + " persist, so persist-id '" + persistId.get() + "' names none").withInfo("bad-element",
                    "persist-id"));
        }
    }

    /** While a confirmed commit waits, only its owner may change running: a rollback would undo others. */
    private void checkNoForeignPendingCommit(LockOwner owner, String operation) throws StoreException {
        if (pending != null && !pending.owner().equals(owner)) {
            throw new StoreException(StoreError.of(org.opendaylight.yangtools.yang.common.ErrorType.APPLICATION,
                    org.opendaylight.yangtools.yang.common.ErrorTag.IN_USE, null, operation + " refused: a confirmed"
                    + " commit of " + pending.owner() + " waits for confirmation; running may be rolled back"));
        }
    }

    private synchronized void expired() {
        if (pending != null && pending.timer().getDelay(TimeUnit.NANOSECONDS) <= 0) {
            LOG.warn("confirmed commit of {} was not confirmed in time; rolling back", pending.owner());
            rollBack("its confirm-timeout expired");
        }
    }

    private void rollBack(String why) {
        Pending p = pending;
        pending = null;
        p.timer().cancel(false);
        try {
            running.commit(p.rollback());
            journal.cleared();
            if (!candidate.modified()) {
                candidate.discard();
            }
            LOG.info("rolled back the confirmed commit of {}: {}", p.owner(), why);
        } catch (StoreException e) {
            LOG.error("could not roll back the confirmed commit of {} ({}): {}", p.owner(), why, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
