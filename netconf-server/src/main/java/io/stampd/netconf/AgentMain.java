package io.stampd.netconf;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stampd agent --config FILE}: the NETCONF management plane. Logs to stderr; exits 2 with a
 * message on a configuration problem (including a configuration without users); stops cleanly on
 * SIGTERM/SIGINT.
 */
public final class AgentMain {
    /** Printed (to stderr) once the server accepts connections; tests and scripts wait for it. */
    public static final String READY = "stampd agent: NETCONF listening on";

    private AgentMain() {
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (configFile == null) {
            usage("--config FILE is required");
        }
        int rc = run(configFile, t0);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    private static final String USAGE = """
            usage: stampd agent --config FILE
              Runs the NETCONF agent (NETCONF over SSH, RFC 6241/6242).
              FILE (Java properties) must name at least one user:
                netconf.user.NAME.password-hash = HASH    (HASH from: openssl passwd -6)
              optional:
                netconf.port = 830
                netconf.listen-address = ::
                netconf.ssh.host-key = ssh_host_key        (relative to FILE; generated if missing)""";

    private static void usage(String problem) {
        System.err.println("stampd agent: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }

    static int run(Path configFile, long t0) {
        AgentConfig config;
        try {
            config = AgentConfig.load(configFile);
        } catch (AgentConfig.ConfigException e) {
            System.err.println("stampd agent: " + e.getMessage());
            return 2;
        }
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        NetconfAgent agent;
        try {
            agent = NetconfAgent.start(config, new StampConfigCheck());
        } catch (AgentConfig.ConfigException e) {
            System.err.println("stampd agent: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            log.error("cannot start", e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("stampd-shutdown").unstarted(() -> {
            log.info("stopping");
            agent.close();
            stopped.countDown();
        }));
        var a = agent.address();
        System.err.printf("%s [%s]:%d (%d ms after start)%n", READY, a.getAddress().getHostAddress(), a.getPort(),
                (System.nanoTime() - t0) / 1_000_000);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
