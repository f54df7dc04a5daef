package io.stampd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.ConfigChange;
import io.stampd.netconf.ConfigCommitHook;
import io.stampd.netconf.YangModels;
import io.stampd.netconf.protocol.ConfigModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/**
 * The shared store on a real mdsal broker with a commit hook that records what it applies (the
 * data plane's view): locks across owners, confirmed commit and its rollbacks, front-end
 * transactions.
 */
class ConfigStoreTest {
    private static final String NS = "urn:stampd:yang:stampd-stamp";
    private static ConfigModel model;

    private final List<ContainerNode> applied = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch holdCommits;
    private volatile CountDownLatch commitStarted;
    private ExecutorService executor;
    private ConfigStore store;
    private final LockOwner alice = LockOwner.netconf(1);
    private final LockOwner bob = LockOwner.netconf(2);
    private final LockOwner grpc = LockOwner.of("grpc", 1, "gRPC client test");

    @BeforeAll
    static void loadModel() throws Exception {
        model = new ConfigModel(YangModels.load().context());
    }

    @BeforeEach
    void newStore() {
        executor = Executors.newSingleThreadExecutor();
        ConfigCommitHook hook = new ConfigCommitHook() {
            @Override
            public void validate(ConfigChange change) {
            }

            @Override
            public void apply(ConfigChange change) {
                CountDownLatch started = commitStarted;
                if (started != null) {
                    started.countDown();
                }
                CountDownLatch hold = holdCommits;
                if (hold != null) {
                    try {
                        hold.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                applied.add(change.after().orElseGet(ConfigTree::emptyRoot));
            }
        };
        store = new ConfigStore(TestStores.running(model, executor, hook), model);
    }

    @AfterEach
    void close() {
        store.close();
        executor.shutdownNow();
    }

    private static ConfigTree.Change reflector(int index) throws Exception {
        return TestStores.reflector(model, index);
    }

    private boolean runningHas(int index) throws StoreException {
        return store.running().toString().contains("session-index=" + index);
    }

    private ContainerNode last() {
        return applied.getLast();
    }

    @Test
    void aLockOfOneOwnerRefusesTheOthersWithTheHolderNamed() throws Exception {
        store.lock(Datastore.RUNNING, alice);
        var e = assertThrows(StoreException.class, () -> store.transaction(grpc, root -> m -> { }));
        assertEquals(ErrorTag.LOCK_DENIED, e.first().tag());
        assertTrue(e.getMessage().contains("NETCONF session 1"), e.getMessage());
        store.unlock(Datastore.RUNNING, alice);
        store.lock(Datastore.RUNNING, grpc);
        var denied = assertThrows(StoreException.class, () -> store.editRunning(bob, reflector(1), false));
        assertEquals(ErrorTag.LOCK_DENIED, denied.first().tag());
        assertEquals("0", denied.first().info().getFirst().getValue(), "session-id 0: not a NETCONF session");
        assertFalse(runningHas(1));
    }

    @Test
    void aTransactionHoldsRunningsLockWhileItCommits() throws Exception {
        ConfigTree.Change withReflector = reflector(5);
        holdCommits = new CountDownLatch(1);
        commitStarted = new CountDownLatch(1);
        Future<?> tx;
        try (var other = Executors.newSingleThreadExecutor()) {
            tx = other.submit(() -> {
                store.transaction(grpc, root -> withReflector);
                return null;
            });
            assertTrue(commitStarted.await(10, TimeUnit.SECONDS));
            var e = assertThrows(StoreException.class, () -> store.lock(Datastore.RUNNING, alice));
            assertEquals(ErrorTag.LOCK_DENIED, e.first().tag());
            assertTrue(e.getMessage().contains("gRPC client test"), e.getMessage());
            holdCommits.countDown();
            tx.get(10, TimeUnit.SECONDS);
        }
        assertTrue(runningHas(5));
        store.lock(Datastore.RUNNING, alice);
    }

    @Test
    void anUnconfirmedCommitIsRolledBackThroughTheHook() throws Exception {
        store.editRunning(alice, reflector(1), false);
        store.editCandidate(alice, reflector(2));
        store.commit(alice, ConfirmedCommit.confirmed(Duration.ofSeconds(1), Optional.empty(), Optional.empty()));
        assertTrue(runningHas(2));
        assertTrue(store.confirmPending());
        var refused = assertThrows(StoreException.class, () -> store.transaction(grpc, root -> m -> { }));
        assertEquals(ErrorTag.IN_USE, refused.first().tag());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.confirmPending() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(store.confirmPending());
        assertFalse(runningHas(2));
        assertTrue(runningHas(1));
        assertFalse(last().toString().contains("session-index=2"), "the hook was given the rolled-back config");
        assertFalse(store.candidate().toString().contains("session-index=2"));
    }

    @Test
    void aConfirmingCommitKeepsTheChange() throws Exception {
        store.editCandidate(alice, reflector(3));
        store.commit(alice, ConfirmedCommit.confirmed(Duration.ofSeconds(1), Optional.empty(), Optional.empty()));
        var foreign = assertThrows(StoreException.class, () -> store.commit(bob, ConfirmedCommit.PLAIN));
        assertTrue(foreign.getMessage().contains("only that session"), foreign.getMessage());
        store.commit(alice, ConfirmedCommit.PLAIN);
        assertFalse(store.confirmPending());
        Thread.sleep(1500);
        assertTrue(runningHas(3));
    }

    @Test
    void theSessionEndingRollsBackUnlessPersisted() throws Exception {
        store.editCandidate(alice, reflector(4));
        store.commit(alice, ConfirmedCommit.confirmed(Duration.ofSeconds(60), Optional.empty(), Optional.empty()));
        store.ownerEnded(alice);
        assertFalse(runningHas(4));

        store.editCandidate(alice, reflector(6));
        store.commit(alice, ConfirmedCommit.confirmed(Duration.ofSeconds(60), Optional.of("tok"), Optional.empty()));
        store.ownerEnded(alice);
        assertTrue(store.confirmPending(), "a persisted confirmed commit outlives its session");
        var wrong = assertThrows(StoreException.class,
                () -> store.commit(bob, ConfirmedCommit.confirming(Optional.of("other"))));
        assertEquals(ErrorTag.INVALID_VALUE, wrong.first().tag());
        store.commit(bob, ConfirmedCommit.confirming(Optional.of("tok")));
        assertFalse(store.confirmPending());
        assertTrue(runningHas(6));
    }

    @Test
    void theJournalKeepsTheRollbackUntilTheCommitIsSettled() throws Exception {
        List<String> journal = new CopyOnWriteArrayList<>();
        store.useRollbackJournal(new RollbackJournal() {
            @Override
            public void pending(ContainerNode rollback) {
                journal.add("pending " + (rollback.toString().contains("session-index=8") ? "with 8" : "without 8")
                        + (applied.isEmpty() ? "" : " after " + applied.size() + " commits"));
            }

            @Override
            public void cleared() {
                journal.add("cleared");
            }
        });
        store.editCandidate(alice, reflector(9));
        store.commit(alice, ConfirmedCommit.confirmed(Duration.ofSeconds(60), Optional.empty(), Optional.empty()));
        store.editCandidate(alice, reflector(10));
        store.commit(alice, ConfirmedCommit.confirmed(Duration.ofSeconds(60), Optional.empty(), Optional.empty()));
        store.commit(alice, ConfirmedCommit.PLAIN);
        assertEquals(List.of("pending without 8", "cleared"), journal, "kept before the first change, once");
        journal.clear();
        store.editRunning(alice, reflector(8), false);
        store.editCandidate(alice, reflector(11));
        store.commit(alice, ConfirmedCommit.confirmed(Duration.ofSeconds(60), Optional.empty(), Optional.empty()));
        store.cancelCommit(alice, Optional.empty());
        // kept before the hook applies the confirmed commit (the 5th), cleared when cancelled
        assertEquals(List.of("pending with 8 after 4 commits", "cleared"), journal);
    }

    @Test
    void cancelCommitRollsBackAtOnce() throws Exception {
        store.editCandidate(alice, reflector(7));
        store.commit(alice, ConfirmedCommit.confirmed(Duration.ofSeconds(60), Optional.of("p"), Optional.empty()));
        assertThrows(StoreException.class, () -> store.cancelCommit(bob, Optional.empty()));
        store.cancelCommit(bob, Optional.of("p"));
        assertFalse(runningHas(7));
        var none = assertThrows(StoreException.class, () -> store.cancelCommit(alice, Optional.empty()));
        assertTrue(none.getMessage().contains("no confirmed commit"), none.getMessage());
    }
}
