package io.stampd.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC southbound (the original EveryWAN API) driven by a Python controller built from the
 * project's .proto files with Debian's grpc tools, against two agents of the SRv6 test bed (5 ms
 * delay line on the forward link): the full cycle, every StatusCode a node returns, T1..T4 against
 * the delay line, and NETCONF beside it on the same configuration (grpc_controller_cycle.py).
 */
@Tag("netns")
class GrpcSouthboundNetnsTest {
    private static final int GRPC_PORT = 12345;
    private static final long DELAY_US = 5000;

    @TempDir
    Path dir;

    @BeforeAll
    static void prerequisites() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        Process p = new ProcessBuilder(NetconfClient.PYTHON, "-c", "import grpc, grpc_tools, ncclient")
                .redirectErrorStream(true).start();
        boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        String missing = "python3-grpcio, python3-grpc-tools or python3-ncclient missing (tools/lib/prereqs.sh"
                + " installs them)";
        if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(missing + "; CI=true");
        }
        Assumptions.assumeTrue(ok, missing);
    }

    @Test
    void aControllerDrivesTheFullCycleOverGrpcBesideNetconf() throws Exception {
        Path stubs = dir.resolve("stubs");
        Process gen = new ProcessBuilder(TestEnv.projectRoot().resolve("tools/lib/grpc/python-stubs").toString(),
                stubs.toString()).redirectErrorStream(true).start();
        String genOut = new String(gen.getInputStream().readAllBytes());
        assertTrue(gen.waitFor(60, TimeUnit.SECONDS) && gen.exitValue() == 0, "python-stubs: " + genOut);

        // Both agents serve NETCONF and gRPC on every address of their namespace, so that the
        // controller in the sender's namespace reaches the reflector's across the test bed.
        String settings = "netconf.listen-address = ::\ngrpc.port = " + GRPC_PORT + "\n";
        try (Testbed tb = Testbed.up(DELAY_US, 0);
             AgentInNamespace reflector = AgentInNamespace.start(tb, tb.reflectorNs(), dir.resolve("reflector"),
                     settings);
             AgentInNamespace sender = AgentInNamespace.start(tb, tb.senderNs(), dir.resolve("sender"), settings)) {
            reflector.awaitListening(Duration.ofSeconds(60));
            sender.awaitListening(Duration.ofSeconds(60));
            Path script = TestEnv.projectRoot().resolve("tools/src/test/resources/grpc_controller_cycle.py");
            Testbed.Result run = tb.exec(Duration.ofSeconds(240), tb.senderNs(), "env",
                    "PYTHONPATH=" + stubs, "PYTHONWARNINGS=ignore", NetconfClient.PYTHON, script.toString(),
                    "::1", tb.reflectorAddr(), String.valueOf(GRPC_PORT), String.valueOf(AgentInNamespace.PORT),
                    sender.user(), sender.password(), reflector.password(), tb.senderAddr(), tb.reflectorAddr(),
                    String.valueOf(DELAY_US), String.join(",", tb.forwardSegments()),
                    String.join(",", tb.returnSegments()), tb.senderDev(), tb.reflectorDev());
            System.out.print(run.stdout());
            assertEquals(0, run.exitCode(), "controller failed:\n" + run.stdout() + run.stderr()
                    + "\nsender agent:\n" + sender.fullLog() + "\nreflector agent:\n" + reflector.fullLog());
            assertTrue(run.stdout().contains("PASS"), run.stdout());
        }
    }
}
