package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.common.api.TransactionCommitFailedException;
import org.opendaylight.mdsal.dom.broker.SerializedDOMDataBroker;
import org.opendaylight.mdsal.dom.spi.store.DOMStore;
import org.opendaylight.mdsal.dom.store.inmemory.InMemoryDOMDataStore;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;

/**
 * Transaction chains of the checked broker: each commit of a chain goes through the commit hook,
 * a veto fails the chain and leaves the datastore unchanged, one transaction at a time.
 */
class CheckedTransactionChainTest {
    private static final QName STAMP = QName.create(YangModels.STAMP_MODULE, "stamp");
    private static final YangInstanceIdentifier STAMP_PATH = YangInstanceIdentifier.of(STAMP);

    private final List<ConfigChange> applied = new ArrayList<>();
    private boolean veto;
    private ExecutorService executor;
    private SerializedDOMDataBroker raw;
    private CheckedDataBroker broker;

    @BeforeEach
    void broker() throws Exception {
        var models = YangModels.load();
        executor = Executors.newSingleThreadExecutor();
        var store = new InMemoryDOMDataStore("CONFIGURATION", LogicalDatastoreType.CONFIGURATION, executor, 100, false);
        store.onModelContextUpdated(models.context());
        raw = new SerializedDOMDataBroker(Map.<LogicalDatastoreType, DOMStore>of(
                LogicalDatastoreType.CONFIGURATION, store), executor);
        broker = new CheckedDataBroker(raw, new ConfigCommitHook() {
            @Override
            public void validate(ConfigChange change) throws CommitVetoException {
                if (veto) {
                    throw new CommitVetoException("/stamp", "vetoed by the test");
                }
            }

            @Override
            public void apply(ConfigChange change) {
                applied.add(change);
            }
        });
    }

    @AfterEach
    void close() {
        raw.close();
        executor.shutdownNow();
    }

    /** /stamp/data-plane/interface = veth0: the smallest configuration the datastore keeps. */
    private static void putStamp(org.opendaylight.mdsal.dom.api.DOMDataTreeWriteTransaction tx) {
        QName dataPlane = QName.create(STAMP, "data-plane");
        QName iface = QName.create(STAMP, "interface");
        tx.put(LogicalDatastoreType.CONFIGURATION, STAMP_PATH, ImmutableNodes.newContainerBuilder()
                .withNodeIdentifier(new NodeIdentifier(STAMP))
                .withChild(ImmutableNodes.newContainerBuilder().withNodeIdentifier(new NodeIdentifier(dataPlane))
                        .withChild(ImmutableNodes.leafNode(iface, "veth0")).build())
                .build());
    }

    private boolean stampInDatastore() throws Exception {
        try (var ro = raw.newReadOnlyTransaction()) {
            return ro.exists(LogicalDatastoreType.CONFIGURATION, STAMP_PATH).get();
        }
    }

    @Test
    void aChainsCommitsGoThroughTheHookOneTransactionAtATime() throws Exception {
        var chain = broker.createTransactionChain();
        var tx = chain.newWriteOnlyTransaction();
        assertThrows(IllegalStateException.class, chain::newReadWriteTransaction, "one transaction at a time");
        putStamp(tx);
        tx.commit().get();
        assertEquals(1, applied.size(), "the hook applied the chain's commit");
        assertTrue(applied.get(0).after().isPresent());
        assertTrue(stampInDatastore());

        var delete = chain.newReadWriteTransaction();
        assertTrue(delete.exists(LogicalDatastoreType.CONFIGURATION, STAMP_PATH).get(),
                "the next transaction sees the previous one's data");
        delete.delete(LogicalDatastoreType.CONFIGURATION, STAMP_PATH);
        delete.commit().get();
        assertEquals(2, applied.size());
        assertFalse(stampInDatastore());

        assertFalse(chain.future().isDone());
        chain.close();
        chain.future().get(1, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, chain::newReadOnlyTransaction, "closed");
    }

    @Test
    void aVetoedCommitFailsTheChainAndChangesNothing() throws Exception {
        var chain = broker.createMergingTransactionChain();
        veto = true;
        var tx = chain.newWriteOnlyTransaction();
        putStamp(tx);
        ExecutionException e = assertThrows(ExecutionException.class, () -> tx.commit().get());
        assertTrue(e.getCause() instanceof TransactionCommitFailedException, e.toString());
        assertTrue(e.getCause().getMessage().contains("vetoed by the test"), e.getCause().getMessage());
        assertTrue(applied.isEmpty());
        assertFalse(stampInDatastore());
        ExecutionException chainFailure = assertThrows(ExecutionException.class,
                () -> chain.future().get(1, TimeUnit.SECONDS));
        assertTrue(chainFailure.getCause().getMessage().contains("vetoed by the test"));
        IllegalStateException next = assertThrows(IllegalStateException.class, chain::newWriteOnlyTransaction);
        assertTrue(next.getMessage().startsWith("transaction chain failed"), next.getMessage());
    }

    @Test
    void aCancelledTransactionLetsTheNextOneStartAndCloseComplete() throws Exception {
        var chain = broker.createTransactionChain();
        var tx = chain.newWriteOnlyTransaction();
        putStamp(tx);
        chain.close();
        assertFalse(chain.future().isDone(), "the open transaction has not ended yet");
        assertTrue(tx.cancel());
        chain.future().get(1, TimeUnit.SECONDS);
        assertTrue(applied.isEmpty());
        assertFalse(stampInDatastore());
    }
}
