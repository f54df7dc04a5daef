package io.stampd.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A command run as the unprivileged system user {@value #USER} with only the given capabilities,
 * the way the systemd unit runs the agent (User=, AmbientCapabilities=, CapabilityBoundingSet=,
 * NoNewPrivileges=): {@code setpriv} sets the user, the ambient, inheritable and bounding sets, then
 * {@code env} the environment and {@code sh} the umask. The user is created if missing.
 *
 * @param capabilities as capabilities(7) names them, without CAP_: net_raw, bpf
 */
record Unprivileged(List<String> capabilities, String umask, Map<String, String> environment) {
    static final String USER = "stampd-test";

    /** The system user {@value #USER} (no home, no shell), created if missing. */
    static void ensureUser() throws IOException, InterruptedException {
        if (run("id", "-u", USER) == 0) {
            return;
        }
        int rc = run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER);
        if (rc != 0 && run("id", "-u", USER) != 0) {
            throw new AssertionError("cannot create the system user " + USER + " (useradd exited with " + rc + ")");
        }
    }

    /** {@code dir} created and given to {@value #USER}: the agent writes its log, state and keys there. */
    static Path ownedDirectory(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        if (run("chown", "-R", USER + ":" + USER, dir.toString()) != 0) {
            throw new AssertionError("cannot chown " + dir + " to " + USER);
        }
        return dir;
    }

    /** What goes in front of the command: setpriv, env, sh with the umask. */
    List<String> prefix() {
        String caps = capabilities.stream().map(c -> ",+" + c.toLowerCase(Locale.ROOT)).collect(Collectors.joining());
        List<String> p = new ArrayList<>(List.of("setpriv", "--reuid", USER, "--regid", USER, "--init-groups",
                "--no-new-privs", "--inh-caps=-all" + caps, "--ambient-caps=-all" + caps, "--bounding-set=-all" + caps,
                "env"));
        environment.forEach((k, v) -> p.add(k + "=" + v));
        p.addAll(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        return p;
    }

    /** The same, without {@code capability}. */
    Unprivileged without(String capability) {
        List<String> fewer = new ArrayList<>(capabilities);
        if (!fewer.remove(capability)) {
            throw new IllegalArgumentException(capability + " is not one of " + capabilities);
        }
        return new Unprivileged(fewer, umask, environment);
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 30 s");
        }
        return p.exitValue();
    }
}
