package io.stampd.netconf.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 6241 behaviour of the agent's NETCONF operations, as clients see it: each test forks an
 * agent and drives it with a Debian ncclient script of src/test/resources (which prints one line
 * per check and PASS at the end).
 */
class ProtocolNcclientTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void ncclientIsThere() throws Exception {
        ClientTools.requireNcclient();
    }

    private void runAgainstAgent(String script, List<String> extra) throws Exception {
        try (ForkedAgent agent = ForkedAgent.start(dir, "::1")) {
            runScript(agent, script, extra);
        }
    }

    private static int freeUdpPort() throws Exception {
        try (var s = new DatagramSocket(new InetSocketAddress(0))) {
            return s.getLocalPort();
        }
    }

    @Test
    void invalidEditsAreRefusedWithTheirErrorTagAndPath() throws Exception {
        // a UDP port another socket holds, for the reflector session that cannot have it
        try (var busy = new DatagramSocket(new InetSocketAddress(0))) {
            runAgainstAgent("ncclient_invalid_edits.py", List.of(String.valueOf(freeUdpPort()),
                    String.valueOf(busy.getLocalPort())));
        }
    }

    @Test
    void confirmedCommitRollsBackTheDataPlaneUnlessConfirmed() throws Exception {
        runAgainstAgent("ncclient_confirmed_commit.py", List.of(String.valueOf(freeUdpPort()),
                String.valueOf(freeUdpPort()), String.valueOf(freeUdpPort()), String.valueOf(freeUdpPort())));
    }

    /** kill -9 while a confirmed commit waits: the next start is the configuration before it. */
    @Test
    void aConfirmedCommitLeftUnconfirmedByACrashIsUndoneAtTheNextStart() throws Exception {
        String udp40 = String.valueOf(freeUdpPort());
        String udp41 = String.valueOf(freeUdpPort());
        ForkedAgent first = ForkedAgent.start(dir, "::1");
        try {
            runScript(first, "ncclient_confirmed_commit_restart.py", List.of("before", udp40, udp41));
        } finally {
            first.kill();
        }
        assertTrue(Files.exists(dir.resolve("running.xml.pre-confirm")), "the rollback was not kept on disk");
        try (ForkedAgent second = ForkedAgent.start(dir, "::1")) {
            runScript(second, "ncclient_confirmed_commit_restart.py", List.of("after", udp40, udp41));
            assertTrue(second.log().contains("restored the configuration from before that commit"), second.log());
        }
        assertFalse(Files.exists(dir.resolve("running.xml.pre-confirm")));
    }

    private static void runScript(ForkedAgent agent, String script, List<String> extra) throws Exception {
        List<String> arguments = new ArrayList<>(agent.clientArguments());
        arguments.addAll(extra);
        ClientTools.Run run = ClientTools.python(script, arguments);
        System.out.print(run.output());
        assertEquals(0, run.exitCode(), script + " failed:\n" + run.output() + "\nagent log:\n" + agent.log());
        assertTrue(run.output().contains("PASS"), run.output());
    }

    @Test
    void locksSharedCandidateDiscardAndValidateAcrossSessions() throws Exception {
        runAgainstAgent("ncclient_locks.py", List.of());
    }

    @Test
    void getMergesStateFiltersAndReportsDefaultsInEachMode() throws Exception {
        runAgainstAgent("ncclient_get_and_defaults.py", List.of(String.valueOf(freeUdpPort())));
    }

    /**
     * NACM (RFC 8341): a read-only user can get but not edit; a denied edit changes nothing; a read
     * rule hides a subtree; denials are counted; /nacm survives a restart (the script's second phase
     * runs against the agent started again on the same state directory).
     */
    @Test
    void nacmReadOnlyUserCanGetButNotEditAndADeniedEditChangesNothing() throws Exception {
        String udp = String.valueOf(freeUdpPort());
        for (String phase : List.of("first", "restart")) {
            try (ForkedAgent agent = ForkedAgent.start(dir, "::1", "viewer", "guest")) {
                List<String> arguments = new ArrayList<>(agent.clientArguments());
                arguments.addAll(List.of("viewer", agent.password("viewer"), "guest", agent.password("guest"), phase,
                        udp));
                ClientTools.Run run = ClientTools.python("ncclient_nacm.py", arguments);
                System.out.print(run.output());
                assertEquals(0, run.exitCode(), "ncclient_nacm.py " + phase + " failed:\n" + run.output()
                        + "\nagent log:\n" + agent.log());
                assertTrue(run.output().contains("PASS"), run.output());
            }
        }
    }

    @Test
    void schemasAndGetSchemaServeEveryAdvertisedModule() throws Exception {
        runAgainstAgent("ncclient_schemas.py", List.of());
    }

    @Test
    void nmdaYangLibraryGetDataAndEditDataOverTheDatastores() throws Exception {
        runAgainstAgent("ncclient_nmda.py", List.of(String.valueOf(freeUdpPort())));
    }
}
