package io.stampd.netconf;

import com.google.common.util.concurrent.FluentFuture;
import com.google.common.util.concurrent.Futures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.opendaylight.mdsal.common.api.CommitInfo;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.common.api.TransactionCommitFailedException;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.mdsal.dom.api.DOMDataTreeReadTransaction;
import org.opendaylight.mdsal.dom.api.DOMDataTreeReadWriteTransaction;
import org.opendaylight.mdsal.dom.api.DOMDataTreeWriteTransaction;
import org.opendaylight.mdsal.dom.api.DOMTransactionChain;
import org.opendaylight.netconf.server.mdsal.DOMDataTransactionValidator;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.common.RpcResultBuilder;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.NormalizedNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data broker NETCONF sessions see: the in-memory broker with a {@link ConfigCommitHook} in
 * front of every commit, so that the application can refuse a configuration before it becomes
 * running. Also the {@link DOMDataTransactionValidator} extension, which makes the server
 * advertise {@code :validate} and route {@code <validate>} to the hook.
 *
 * <p>Only transactions handed out here are checked, also those of its transaction chains; the
 * agent writes operational state through the underlying broker.
 */
public final class CheckedDataBroker implements DOMDataBroker {
    private static final Logger LOG = LoggerFactory.getLogger(CheckedDataBroker.class);
    private static final YangInstanceIdentifier ROOT = YangInstanceIdentifier.of();
    private static final java.util.function.Consumer<Throwable> NOT_CHAINED = failure -> { };

    private final DOMDataBroker delegate;
    private final ConfigCommitHook hook;
    private final ReentrantLock commitLock = new ReentrantLock();
    private final DOMDataTransactionValidator validator = this::validate;

    public CheckedDataBroker(DOMDataBroker delegate, ConfigCommitHook hook) {
        this.delegate = delegate;
        this.hook = hook;
    }

    @Override
    public Collection<? extends Extension> supportedExtensions() {
        List<Extension> all = new ArrayList<>(delegate.supportedExtensions());
        all.add(validator);
        return all;
    }

    @Override
    public DOMDataTreeReadTransaction newReadOnlyTransaction() {
        return delegate.newReadOnlyTransaction();
    }

    @Override
    public DOMDataTreeWriteTransaction newWriteOnlyTransaction() {
        return newReadWriteTransaction();
    }

    @Override
    public DOMDataTreeReadWriteTransaction newReadWriteTransaction() {
        return newCheckedTransaction(NOT_CHAINED);
    }

    /**
     * A chain of checked transactions: each commit goes through the commit hook like any other.
     * Commits here complete before {@code commit()} returns, so the next transaction of the chain
     * already sees the previous one's data, as a chain promises.
     */
    @Override
    public DOMTransactionChain createTransactionChain() {
        return new CheckedTransactionChain(this);
    }

    /** The same chain: with commits that complete at once there is nothing to merge. */
    @Override
    public DOMTransactionChain createMergingTransactionChain() {
        return createTransactionChain();
    }

    /** A checked read-write transaction that reports its end (commit, failure or cancel) to {@code ended}. */
    CheckedTransaction newCheckedTransaction(java.util.function.Consumer<Throwable> ended) {
        return new CheckedTransaction(delegate.newReadWriteTransaction(), ended);
    }

    private FluentFuture<Void> validate(DOMDataTreeWriteTransaction tx) {
        if (!(tx instanceof CheckedTransaction checked)) {
            return FluentFuture.from(Futures.immediateFailedFuture(new DOMDataTransactionValidator
                    .ValidationFailedException("not a transaction of this broker")));
        }
        try {
            hook.validate(checked.change());
            return FluentFuture.from(Futures.immediateVoidFuture());
        } catch (CommitVetoException e) {
            return FluentFuture.from(Futures.immediateFailedFuture(
                    new DOMDataTransactionValidator.ValidationFailedException(describe(e), e)));
        } catch (ReadFailed e) {
            return FluentFuture.from(Futures.immediateFailedFuture(
                    new DOMDataTransactionValidator.ValidationFailedException(e.getMessage(), e.getCause())));
        }
    }

    private static String describe(CommitVetoException e) {
        return e.path() == null ? e.getMessage() : e.path() + ": " + e.getMessage();
    }

    private static final class ReadFailed extends Exception {
        private static final long serialVersionUID = 1L;

        ReadFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Optional<ContainerNode> readRoot(org.opendaylight.mdsal.dom.api.DOMDataTreeReadOperations ops)
            throws ReadFailed {
        try {
            Optional<NormalizedNode> root = ops.read(LogicalDatastoreType.CONFIGURATION, ROOT).get();
            return root.map(ContainerNode.class::cast).filter(c -> !c.isEmpty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReadFailed("interrupted while reading the configuration", e);
        } catch (ExecutionException e) {
            // The datastore validates the modification when it is read (e.g. missing mandatory
            // leaves); the useful words are in the innermost cause.
            Throwable root = com.google.common.base.Throwables.getRootCause(e);
            throw new ReadFailed("invalid configuration: " + root.getMessage(), e.getCause());
        }
    }

    /** A read-write transaction of the underlying broker whose commit first asks the hook. */
    final class CheckedTransaction implements DOMDataTreeReadWriteTransaction {
        private final DOMDataTreeReadWriteTransaction tx;
        /** Told once how the transaction ended: null after a commit or cancel, else the failure. */
        private final java.util.function.Consumer<Throwable> ended;

        CheckedTransaction(DOMDataTreeReadWriteTransaction tx, java.util.function.Consumer<Throwable> ended) {
            this.tx = tx;
            this.ended = ended;
        }

        ConfigChange change() throws ReadFailed {
            Optional<ContainerNode> before;
            try (var ro = delegate.newReadOnlyTransaction()) {
                before = readRoot(ro);
            }
            return new ConfigChange(before, readRoot(tx));
        }

        @Override
        public Object getIdentifier() {
            return tx.getIdentifier();
        }

        @Override
        public FluentFuture<Optional<NormalizedNode>> read(LogicalDatastoreType store, YangInstanceIdentifier path) {
            return tx.read(store, path);
        }

        @Override
        public FluentFuture<Boolean> exists(LogicalDatastoreType store, YangInstanceIdentifier path) {
            return tx.exists(store, path);
        }

        @Override
        public void put(LogicalDatastoreType store, YangInstanceIdentifier path, NormalizedNode data) {
            tx.put(store, path, data);
        }

        @Override
        public void merge(LogicalDatastoreType store, YangInstanceIdentifier path, NormalizedNode data) {
            tx.merge(store, path, data);
        }

        @Override
        public void delete(LogicalDatastoreType store, YangInstanceIdentifier path) {
            tx.delete(store, path);
        }

        @Override
        public FluentFuture<?> completionFuture() {
            return tx.completionFuture();
        }

        @Override
        public boolean cancel() {
            boolean cancelled = tx.cancel();
            if (cancelled) {
                ended.accept(null);
            }
            return cancelled;
        }

        @Override
        public FluentFuture<? extends CommitInfo> commit() {
            FluentFuture<? extends CommitInfo> result = checkAndCommit();
            Throwable failure = null;
            try {
                Futures.getDone(result);
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
            ended.accept(failure);
            return result;
        }

        private FluentFuture<? extends CommitInfo> checkAndCommit() {
            commitLock.lock();
            try {
                ConfigChange change;
                try {
                    change = change();
                    hook.validate(change);
                    hook.apply(change);
                } catch (CommitVetoException e) {
                    tx.cancel();
                    LOG.info("commit refused: {}", describe(e));
                    return failed(new TransactionCommitFailedException(describe(e), e,
                            RpcResultBuilder.newError(ErrorType.APPLICATION, e.tag(), describe(e))));
                } catch (ReadFailed e) {
                    tx.cancel();
                    return failed(new TransactionCommitFailedException(e.getMessage(), e.getCause()));
                }
                try {
                    CommitInfo info = tx.commit().get();
                    return FluentFuture.from(Futures.immediateFuture(info));
                } catch (InterruptedException | ExecutionException e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    LOG.warn("datastore commit failed after the change was applied; reverting", e);
                    hook.revert(change);
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    return failed(cause instanceof TransactionCommitFailedException t ? t
                            : new TransactionCommitFailedException("commit failed: " + cause.getMessage(), cause));
                }
            } finally {
                commitLock.unlock();
            }
        }

        private static FluentFuture<CommitInfo> failed(TransactionCommitFailedException e) {
            return FluentFuture.from(Futures.immediateFailedFuture(e));
        }
    }
}
