package io.stampd.store;

import com.google.common.base.Throwables;
import io.stampd.netconf.CommitVetoException;
import io.stampd.netconf.protocol.InstancePaths;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.mdsal.dom.api.DOMDataTreeReadTransaction;
import org.opendaylight.netconf.server.mdsal.DOMDataTransactionValidator;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.NormalizedNode;

/**
 * The running datastore (mdsal CONFIGURATION) and the operational state (OPERATIONAL). Changes of
 * running go through the checked broker, so that the engine's commit hook validates and applies
 * them first and can refuse them; a refusal ({@link CommitVetoException}) becomes an rpc-error
 * with the hook's error-tag, error-path and message.
 */
public final class RunningDatastore {
    private static final long TIMEOUT_SECONDS = 60;

    private final DOMDataBroker raw;
    private final DOMDataBroker checked;
    private final InstancePaths paths;

    public RunningDatastore(DOMDataBroker raw, DOMDataBroker checked, InstancePaths paths) {
        this.raw = raw;
        this.checked = checked;
        this.paths = paths;
    }

    public ContainerNode read() throws StoreException {
        return readRoot(LogicalDatastoreType.CONFIGURATION);
    }

    /** The operational datastore: state, and whatever configuration the engine mirrors there. */
    public ContainerNode readState() throws StoreException {
        return readRoot(LogicalDatastoreType.OPERATIONAL);
    }

    private ContainerNode readRoot(LogicalDatastoreType type) throws StoreException {
        try (DOMDataTreeReadTransaction tx = raw.newReadOnlyTransaction()) {
            Optional<NormalizedNode> root = tx.read(type, ConfigTree.ROOT).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return root.map(ContainerNode.class::cast).orElseGet(ConfigTree::emptyRoot);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreError.operationFailed(null, "interrupted while reading " + type));
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreException(StoreError.operationFailed(null, "cannot read the " + type
                    + " datastore: " + Throwables.getRootCause(e).getMessage()));
        }
    }

    /** Makes {@code content} the running configuration, if the commit hook agrees. */
    public void commit(ContainerNode content) throws StoreException {
        var tx = checked.newReadWriteTransaction();
        tx.put(LogicalDatastoreType.CONFIGURATION, ConfigTree.ROOT, content);
        try {
            tx.commit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreError.operationFailed(null, "interrupted while committing"));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // a RuntimeException is the hook failing rather than refusing; the client still gets an answer
            throw refusal(e, "commit failed");
        }
    }

    /** Asks the commit hook whether {@code content} could become running, changing nothing. */
    public void validate(ContainerNode content) throws StoreException {
        DOMDataTransactionValidator validator = checked.extension(DOMDataTransactionValidator.class);
        if (validator == null) {
            return;
        }
        var tx = checked.newReadWriteTransaction();
        try {
            tx.put(LogicalDatastoreType.CONFIGURATION, ConfigTree.ROOT, content);
            validator.validate(tx).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreError.operationFailed(null, "interrupted while validating"));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw refusal(e, "validation failed");
        } finally {
            tx.cancel();
        }
    }

    /** The rpc-error for a failed commit or validation: the hook's veto as it said it, or the cause. */
    private StoreException refusal(Exception e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CommitVetoException veto) {
                ErrorTag tag = veto.tag() != null ? veto.tag() : ErrorTag.OPERATION_FAILED;
                return new StoreException(StoreError.of(ErrorType.APPLICATION, tag, paths.ofPlainXPath(veto.path()),
                        veto.getMessage()));
            }
        }
        Throwable root = Throwables.getRootCause(e);
        return new StoreException(StoreError.operationFailed(null, what + ": "
                + (root.getMessage() != null ? root.getMessage() : root.toString())));
    }
}
