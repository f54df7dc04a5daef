package io.stampd.netconf;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import org.opendaylight.mdsal.dom.api.DOMDataTreeReadTransaction;
import org.opendaylight.mdsal.dom.api.DOMDataTreeReadWriteTransaction;
import org.opendaylight.mdsal.dom.api.DOMDataTreeWriteTransaction;
import org.opendaylight.mdsal.dom.api.DOMTransactionChain;
import org.opendaylight.yangtools.yang.common.Empty;

/**
 * A transaction chain of {@link CheckedDataBroker}: every write transaction is a checked one, so a
 * chain cannot put configuration past the commit hook. As the mdsal contract asks, one transaction
 * at a time (the next may start when the previous has been committed or cancelled), a failed commit
 * fails the whole chain, and {@link #future()} completes when the chain is closed and its last
 * transaction has ended.
 */
final class CheckedTransactionChain implements DOMTransactionChain {
    private final CheckedDataBroker broker;
    private final SettableFuture<Empty> future = SettableFuture.create();
    private boolean closed;
    private boolean transactionOpen;
    private Throwable failure;

    CheckedTransactionChain(CheckedDataBroker broker) {
        this.broker = broker;
    }

    @Override
    public synchronized DOMDataTreeReadTransaction newReadOnlyTransaction() {
        checkReady();
        return broker.newReadOnlyTransaction();
    }

    @Override
    public DOMDataTreeWriteTransaction newWriteOnlyTransaction() {
        return newReadWriteTransaction();
    }

    @Override
    public synchronized DOMDataTreeReadWriteTransaction newReadWriteTransaction() {
        checkReady();
        transactionOpen = true;
        return broker.newCheckedTransaction(this::ended);
    }

    @Override
    public ListenableFuture<Empty> future() {
        return future;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (!transactionOpen) {
            future.set(Empty.value());
        }
    }

    private synchronized void ended(Throwable commitFailure) {
        transactionOpen = false;
        if (commitFailure != null) {
            failure = commitFailure;
            closed = true;
            future.setException(commitFailure);
        } else if (closed) {
            future.set(Empty.value());
        }
    }

    private void checkReady() {
        if (failure != null) {
            throw new IllegalStateException("transaction chain failed: " + failure.getMessage(), failure);
        }
        if (closed) {
            throw new IllegalStateException("transaction chain is closed");
        }
        if (transactionOpen) {
            throw new IllegalStateException("the chain's previous transaction has not been committed or cancelled");
        }
    }
}
