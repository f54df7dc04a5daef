package io.stampd.netconf.protocol;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The clients the protocol tests drive the agent with: Debian's /usr/bin/python3 with
 * python3-ncclient, and ansible-playbook with ansible.netcommon. A missing one skips the test,
 * except in CI (CI=true), where it fails it.
 */
final class ClientTools {
    static final String PYTHON = "/usr/bin/python3";

    private ClientTools() {
    }

    /** The result of a client process: exit code and everything it printed. */
    record Run(int exitCode, String output) {
    }

    static void require(boolean present, String what) {
        if ("true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assertions.assertTrue(present, what);
        } else {
            assumeTrue(present, what);
        }
    }

    static void requireNcclient() throws IOException, InterruptedException {
        require(Files.isExecutable(Path.of(PYTHON)), PYTHON + " missing");
        require(run(List.of(PYTHON, "-c", "import ncclient"), Map.of(), 60).exitCode() == 0,
                "python3-ncclient missing (apt-get install python3-ncclient)");
    }

    /** Runs a script of src/test/resources with /usr/bin/python3 (its helpers on PYTHONPATH). */
    static Run python(String script, List<String> arguments) throws IOException, InterruptedException {
        Path path = resource(script);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, path.toString()));
        cmd.addAll(arguments);
        return run(cmd, Map.of("PYTHONPATH", path.getParent().toString()), 600);
    }

    static Path resource(String name) {
        try {
            return Path.of(ClientTools.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " missing", e);
        }
    }

    static Run run(List<String> command, Map<String, String> environment, long timeoutSeconds)
            throws IOException, InterruptedException {
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        // read while it runs, so that a full pipe cannot stall the client
        var out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.append("(output lost: ").append(e.getMessage()).append(')');
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            return new Run(-1, out + "\n(killed after " + timeoutSeconds + " s)");
        }
        reader.join();
        return new Run(p.exitValue(), out.toString());
    }
}
