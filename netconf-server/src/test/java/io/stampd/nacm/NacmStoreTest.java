package io.stampd.nacm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.ConfigChange;
import io.stampd.netconf.ConfigCommitHook;
import io.stampd.netconf.YangModels;
import io.stampd.netconf.protocol.ConfigModel;
import io.stampd.netconf.southbound.GrpcSouthbound;
import io.stampd.store.ConfigStore;
import io.stampd.store.ConfigTree;
import io.stampd.store.ConfirmedCommit;
import io.stampd.store.LockOwner;
import io.stampd.store.StoreException;
import io.stampd.store.TestStores;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/**
 * NACM as the one guard of the shared store: every way a change reaches the candidate or running
 * (a NETCONF edit, copy or commit, a gRPC southbound transaction) is checked for its owner's user,
 * and a denied change leaves the datastore, the candidate's modified state and the commit hook
 * (the data plane) untouched.
 */
class NacmStoreTest {
    private static final String NC = "urn:ietf:params:xml:ns:netconf:base:1.0";
    private static ConfigModel model;

    private final List<ContainerNode> applied = new CopyOnWriteArrayList<>();
    private final LockOwner admin = LockOwner.netconf(1);
    private final LockOwner viewer = LockOwner.netconf(2);
    private ExecutorService executor;
    private ConfigStore store;
    private Nacm nacm;

    @BeforeAll
    static void loadModel() throws Exception {
        model = new ConfigModel(YangModels.load().context());
    }

    private static org.w3c.dom.Element xml(String text) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
    }

    private static ConfigTree.Change edit(String configBody) throws Exception {
        return TestStores.edit(model, configBody);
    }

    private static ConfigTree.Change reflector(int index) throws Exception {
        return TestStores.reflector(model, index);
    }

    @BeforeEach
    void storeWithNacm() throws Exception {
        executor = Executors.newSingleThreadExecutor();
        ConfigCommitHook hook = new ConfigCommitHook() {
            @Override
            public void validate(ConfigChange change) {
            }

            @Override
            public void apply(ConfigChange change) {
                applied.add(change.after().orElseGet(ConfigTree::emptyRoot));
            }
        };
        store = new ConfigStore(TestStores.running(model, executor, hook), model);
        String seed = NacmDefaults.xml(List.of("admin", "grpc"));
        ContainerNode defaults = (ContainerNode) model.content(xml(seed)).childByArg(NacmConfig.NACM);
        Map<Long, String> users = Map.of(1L, "admin", 2L, "viewer");
        nacm = new Nacm(model.context(), model.paths(), store::running, id -> Optional.ofNullable(users.get(id)),
                "grpc", defaults);
        store.useAccess(nacm);
        // the agent seeds the defaults; the operator puts viewer into read-only
        store.transaction(LockOwner.AGENT, running -> m -> m.write(YangInstanceIdentifier.of(NacmConfig.NACM),
                defaults));
        store.editRunning(admin, edit("<nacm xmlns='" + YangModels.NACM_NAMESPACE + "'><groups><group>"
                + "<name>read-only</name><user-name>viewer</user-name></group></groups></nacm>"), false);
        store.editRunning(admin, reflector(1), false);
        applied.clear();
    }

    @AfterEach
    void close() {
        store.close();
        executor.shutdownNow();
    }

    @Test
    void aDeniedEditChangesNothingWhicheverWayItComes() throws Exception {
        ContainerNode running = store.running();
        ContainerNode candidate = store.candidate();
        List<org.junit.jupiter.api.function.Executable> attempts = List.of(
                () -> store.editCandidate(viewer, reflector(2)),
                () -> store.testCandidateEdit(viewer, reflector(2)),
                () -> store.editRunning(viewer, reflector(2), false),
                () -> store.editRunning(viewer, reflector(2), true),
                () -> store.replaceRunning(viewer, ConfigTree.emptyRoot()),
                () -> store.replaceCandidate(viewer, ConfigTree.emptyRoot()));
        for (var attempt : attempts) {
            var e = assertThrows(StoreException.class, attempt);
            assertEquals(ErrorTag.ACCESS_DENIED, e.first().tag(), e.getMessage());
        }
        assertEquals(running, store.running());
        assertEquals(candidate, store.candidate());
        assertFalse(store.candidateModified(), "a refused candidate edit is undone");
        assertTrue(applied.isEmpty(), "the data plane saw nothing");
        assertEquals(attempts.size(), nacm.deniedDataWrites());

        // a commit of a candidate holding changes the committer may not make
        store.editCandidate(admin, reflector(3));
        assertThrows(StoreException.class, () -> store.commit(viewer, ConfirmedCommit.PLAIN));
        assertEquals(running, store.running());
        store.commit(admin, ConfirmedCommit.PLAIN);
        assertTrue(store.running().toString().contains("session-index=3"));
    }

    @Test
    void theGrpcSouthboundWritesAsItsConfiguredUser() throws Exception {
        ConfigTree.Change four = reflector(4);
        ConfigTree.Change five = reflector(5);
        store.transaction(GrpcSouthbound.OWNER, running -> four);
        assertTrue(store.running().toString().contains("session-index=4"), "grpc is in group operator");
        // out of the operator group: its transactions are refused and change nothing
        store.editRunning(admin, edit("<nacm xmlns='" + YangModels.NACM_NAMESPACE + "'><groups><group>"
                + "<name>operator</name><user-name xmlns:xc='" + NC + "' xc:operation='delete'>grpc</user-name>"
                + "</group></groups></nacm>"), false);
        ContainerNode running = store.running();
        applied.clear();
        var e = assertThrows(StoreException.class, () -> store.transaction(GrpcSouthbound.OWNER, r -> five));
        assertEquals(ErrorTag.ACCESS_DENIED, e.first().tag());
        assertTrue(e.getMessage().contains("user 'grpc'"), e.getMessage());
        assertEquals(running, store.running());
        assertTrue(applied.isEmpty());
    }
}
