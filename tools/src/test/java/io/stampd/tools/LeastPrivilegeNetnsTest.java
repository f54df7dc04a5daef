package io.stampd.tools;

import static io.stampd.tools.NetconfAgentNetnsTest.afPacketPlane;
import static io.stampd.tools.NetconfAgentNetnsTest.config;
import static io.stampd.tools.NetconfAgentNetnsTest.reflectorSession;
import static io.stampd.tools.NetconfAgentNetnsTest.senderSession;
import static io.stampd.tools.NetconfAgentNetnsTest.socketPlane;
import static io.stampd.tools.NetconfAgentNetnsTest.xdpPlane;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.stampd.tools.NetconfClient.Xml;
import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.codec.digest.Crypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Least privilege (issue 14, item 5), with real agents in the test bed's namespaces: each data
 * plane measures with the agent running as the unprivileged user {@value Unprivileged#USER} and
 * only the capabilities README's table gives that plane (set as the systemd unit sets them:
 * ambient, inheritable and bounding sets, no new privileges); without one of them the agent says
 * which; under a umask of 000 what the agent writes stays its own; the HMAC keys and the password
 * hashes reach neither the log (at the most verbose level) nor an rpc-error nor a user without
 * access; the SSH server offers only strong algorithms (ssh-audit, OpenSSH's client).
 */
@Tag("netns")
class LeastPrivilegeNetnsTest {
    private static final String SENDER = "//s:stamp-state/s:stamp-session-sender-state/s:test-session-state"
            + "[s:session-index=1]";
    private static final String REFLECTOR = "//s:stamp-state/s:stamp-session-refl-state/s:test-session-state"
            + "[s:session-index=1]";
    /** README, "Install as a service": the capabilities of each plane, as the agent runs with them. */
    static final Map<String, List<String>> PLANE_CAPABILITIES = Map.of(
            "socket", List.of("net_bind_service"),
            "af-packet", List.of("net_bind_service", "net_raw", "net_admin", "bpf"),
            "xdp", List.of("net_bind_service", "net_admin", "sys_admin"));

    private static Testbed tb;

    @TempDir
    Path dir;

    @BeforeAll
    static void prerequisites() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        NetconfClient.requireNcclient();
        Unprivileged.ensureUser();
        tb = Testbed.up(0, 0);
    }

    @AfterAll
    static void down() {
        if (tb != null) {
            tb.close();
        }
    }

    /**
     * An agent in {@code ns} run as the unprivileged user with {@code capabilities}, its directory
     * that user's. With {@code cds}, the launcher's class-data-sharing archive goes to a directory of
     * its own there (written at the first clean exit, which takes a few seconds); else there is none.
     */
    private AgentInNamespace start(String ns, String name, List<String> capabilities, String umask, boolean cds,
                                   Map<String, String> env, String extraSettings) throws Exception {
        // @TempDir is 0700 root: the agent's user must get through it to its own directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path home = Unprivileged.ownedDirectory(dir.resolve(name));
        Map<String, String> environment = new java.util.TreeMap<>(env);
        environment.put("HOME", home.toString());
        environment.put("STAMPD_CDS_DIR", cds ? Unprivileged.ownedDirectory(home.resolve("cds")).toString()
                : home.resolve("no-cds").toString());
        Unprivileged as = new Unprivileged(capabilities, umask, environment);
        return AgentInNamespace.start(tb, ns, home, extraSettings, as.prefix());
    }

    private AgentInNamespace start(String ns, String name, List<String> capabilities) throws Exception {
        return start(ns, name, capabilities, "000", false, Map.of(), "");
    }

    private static String planeConfig(String plane, String dev) {
        return switch (plane) {
            case "socket" -> socketPlane();
            case "af-packet" -> afPacketPlane(dev);
            case "xdp" -> xdpPlane(dev);
            default -> throw new IllegalArgumentException(plane);
        };
    }

    /** The sender's state once it has received {@code least} replies, or as it is after 10 s. */
    private static Xml awaitReceived(NetconfClient snd, long least) throws Exception {
        Xml state = snd.get();
        for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline
                && receivedIn(state) < least; ) {
            Thread.sleep(200);
            state = snd.get();
        }
        return state;
    }

    private static long receivedIn(Xml state) {
        String n = state.string(SENDER + "/s:current-stats/s:rcv-packets");
        return n.isEmpty() ? 0 : Long.parseLong(n);
    }

    /**
     * Sender and reflector agents, each as the unprivileged user with only its plane's
     * capabilities and a umask of 000: the commit takes the plane, the session measures on it, the
     * plane did the work (frames through the ring, answers in the kernel), SIGTERM stops cleanly
     * (the xdp programs detached by the agent itself: CAP_SYS_ADMIN), and nothing the agent wrote
     * is readable by others.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"socket", "af-packet", "xdp"})
    void eachPlaneMeasuresAsAnUnprivilegedUserWithOnlyItsCapabilities(String plane) throws Exception {
        List<String> caps = PLANE_CAPABILITIES.get(plane);
        boolean cds = plane.equals("socket"); // the archive's mode once: it costs seconds at the exit
        try (AgentInNamespace reflector = start(tb.reflectorNs(), plane + "-reflector", caps, "000", cds, Map.of(), "");
             AgentInNamespace sender = start(tb.senderNs(), plane + "-sender", caps, "000", cds, Map.of(), "")) {
            reflector.awaitListening(Duration.ofSeconds(60));
            sender.awaitListening(Duration.ofSeconds(60));
            NetconfClient rfl = reflector.client();
            NetconfClient snd = sender.client();
            rfl.commitOk(config(planeConfig(plane, tb.reflectorDev()) + reflectorSession(tb)));
            snd.commitOk(config(planeConfig(plane, tb.senderDev()) + senderSession(tb, 1, 20, "")));

            Xml state = awaitReceived(snd, 50);
            long received = receivedIn(state);
            System.out.printf("%s plane as %s with %s: %d replies received%n", plane, Unprivileged.USER, caps,
                    received);
            assertEquals(plane, state.string("//s:stamp-state/s:data-plane/s:type"), state.toString());
            assertTrue(received >= 50, plane + ": " + received + " replies: " + state);
            assertTrue(state.count(SENDER + "/s:records/s:record") > 0, "records: " + state);
            Xml reflected = rfl.get();
            switch (plane) {
                case "af-packet" -> assertTrue(reflected.number("//s:stamp-state/s:data-plane/s:program-counter"
                        + "[s:name='af-packet/replies-sent']/s:packets") > 0, "replies sent as frames: " + reflected);
                case "xdp" -> assertTrue(reflected.number(REFLECTOR + "/s:in-kernel-packets") > 0,
                        "answered in the kernel: " + reflected);
                default -> assertEquals(0, reflected.count("//s:stamp-state/s:data-plane/s:program-counter"));
            }

            assertEquals(0, sender.terminate(), sender.fullLog());
            assertEquals(0, reflector.terminate(), reflector.fullLog());
            assertEquals(0, tb.xdpProgramOn(tb.reflectorNs(), tb.reflectorDev()), "detached by the agent");
            assertEquals(0, tb.xdpProgramOn(tb.senderNs(), tb.senderDev()), "detached by the agent");
            for (AgentInNamespace agent : List.of(sender, reflector)) {
                assertFalse(agent.fullLog().contains("Operation not permitted"), agent.fullLog());
                assertOwnerOnly(agent.dir(), cds);
            }
        }
    }

    /**
     * What the agent wrote (running.xml and its directory, the SSH host key, the class-data-sharing
     * archive) has no permission for others, though it ran with umask 000; the files none for the
     * group either. The log (the test's redirection) and agent.conf (the test's) are not the agent's.
     */
    private static void assertOwnerOnly(Path agentDir, boolean cds) throws Exception {
        List<Path> written = new ArrayList<>(List.of(agentDir.resolve("state"), agentDir.resolve("state/running.xml"),
                agentDir.resolve("ssh_host_key")));
        if (cds) {
            written.add(agentDir.resolve("cds/stampd-agent.jsa"));
        }
        for (Path p : written) {
            assertTrue(Files.exists(p), p + " was not written");
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
            String shown = p + " " + PosixFilePermissions.toString(mode);
            assertFalse(mode.contains(PosixFilePermission.OTHERS_READ)
                    || mode.contains(PosixFilePermission.OTHERS_WRITE)
                    || mode.contains(PosixFilePermission.OTHERS_EXECUTE), shown);
            if (Files.isRegularFile(p)) {
                assertFalse(mode.contains(PosixFilePermission.GROUP_READ)
                        || mode.contains(PosixFilePermission.GROUP_WRITE), shown);
            }
            assertEquals(Unprivileged.USER, Files.getOwner(p).getName(), shown);
        }
    }

    /**
     * One capability less and the agent says which: without CAP_NET_BIND_SERVICE it cannot listen
     * on port 830 and exits 2 naming it; with the af-packet plane's capabilities but CAP_NET_RAW, and
     * the xdp plane's but CAP_SYS_ADMIN (with CAP_BPF and CAP_PERFMON instead, which the unit used to
     * think enough), the commit of that plane is refused naming the capability, running is left as
     * it was, no program is left on the interface, and the agent stays on the socket plane.
     */
    @Test
    void withoutACapabilityTheAgentNamesIt() throws Exception {
        try (AgentInNamespace noBind = start(tb.senderNs(), "no-bind", List.of())) {
            AssertionError exited = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> noBind.awaitListening(Duration.ofSeconds(60)));
            assertTrue(exited.getMessage().contains("exited with 2"), exited.getMessage());
            assertTrue(exited.getMessage().contains("port 830 is below net.ipv4.ip_unprivileged_port_start (1024):"
                    + " binding it needs CAP_NET_BIND_SERVICE"), exited.getMessage());
        }

        List<String> caps = List.of("net_bind_service", "net_admin", "bpf", "perfmon");
        try (AgentInNamespace agent = start(tb.reflectorNs(), "fewer-caps", caps)) {
            agent.awaitListening(Duration.ofSeconds(60));
            NetconfClient nc = agent.client();
            nc.commitOk(config(reflectorSession(tb)));
            String before = nc.getConfig().toString();

            NetconfClient.RpcError afPacket = nc.commit(config(afPacketPlane(tb.reflectorDev()))).error();
            assertNotNull(afPacket, "af-packet without CAP_NET_RAW");
            assertTrue(afPacket.message().contains("the af-packet data plane needs CAP_NET_RAW")
                    && afPacket.message().contains("CAP_NET_RAW for its AF_PACKET socket"), afPacket.toString());

            NetconfClient.RpcError xdp = nc.commit(config(xdpPlane(tb.reflectorDev()))).error();
            assertNotNull(xdp, "xdp without CAP_SYS_ADMIN");
            assertTrue(xdp.message().contains("the xdp data plane needs CAP_SYS_ADMIN (this process has"
                    + " CAP_NET_BIND_SERVICE, CAP_NET_ADMIN, CAP_PERFMON, CAP_BPF)"), xdp.toString());
            System.out.println("refusals: " + afPacket.message() + " | " + xdp.message());
            assertEquals(0, tb.xdpProgramOn(tb.reflectorNs(), tb.reflectorDev()), "nothing attached");
            assertEquals(before, nc.getConfig().toString(), "running as it was");
            assertEquals("socket", nc.get().string("//s:stamp-state/s:data-plane/s:type"), "still on sockets");
        }
    }

    /**
     * HMAC-authenticated sessions configured by an operator, on agents logging at TRACE (stampd and
     * every library asked for it): a commit with the keys, a refused edit with a mistyped key; the
     * key (hex either case, base64), the mistyped one, the password hashes and the passwords appear
     * in no log line and no rpc-error; a read-only user and a user in no group get neither key from
     * get or get-config, the operator does from get-config, the state tree echoes none; the
     * world-readable agent.conf with hashes in it is warned about. Then the SSH algorithms
     * ({@link #assertOnlyStrongSshAlgorithms}).
     */
    @Test
    void secretsReachNeitherLogsNorErrorsNorUsersWithoutAccessAndSshIsStrong() throws Exception {
        requireCommand("ssh-audit", "ssh-audit");
        requireCommand("ssh", "openssh-client");
        byte[] raw = new byte[16];
        new SecureRandom().nextBytes(raw);
        String key = HexFormat.of().formatHex(raw);
        String mistyped = key.substring(0, 31) + "z";
        String viewerPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
        String strangerPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
        String viewerHash = Crypt.crypt(viewerPassword, "$6$viewer01");
        String strangerHash = Crypt.crypt(strangerPassword, "$6$stranger");
        String users = "netconf.user.viewer.password-hash = " + viewerHash + "\n"
                + "netconf.user.stranger.password-hash = " + strangerHash + "\n";
        Map<String, String> trace = Map.of("STAMPD_JAVA_OPTS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"
                + " -Dorg.slf4j.simpleLogger.log.org.opendaylight=trace -Dorg.slf4j.simpleLogger.log.io.netty=trace"
                + " -Dorg.slf4j.simpleLogger.log.io.stampd=trace");
        List<String> caps = PLANE_CAPABILITIES.get("socket");
        try (AgentInNamespace reflector = start(tb.reflectorNs(), "secret-reflector", caps, "022", false, trace, users);
             AgentInNamespace sender = start(tb.senderNs(), "secret-sender", caps, "022", false, trace, users)) {
            reflector.awaitListening(Duration.ofSeconds(60));
            sender.awaitListening(Duration.ofSeconds(60));
            NetconfClient rfl = reflector.client();
            NetconfClient snd = sender.client();
            String groups = "<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><nacm"
                    + " xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-acm\""
                    + " xmlns:xc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><groups xc:operation=\"replace\">"
                    + "<group><name>operator</name><user-name>" + sender.user() + "</user-name></group>"
                    + "<group><name>read-only</name><user-name>viewer</user-name></group></groups></nacm></config>";
            rfl.commitOk(groups);
            snd.commitOk(groups);
            rfl.commitOk(config("<key-chains><key-chain><name>k1</name><key>" + key + "</key></key-chain>"
                    + "</key-chains>" + reflectorSession(tb).replace("</reflector-test-session>",
                    "<security><key-chain>k1</key-chain></security></reflector-test-session>")));
            NetconfClient.RpcError refused = snd.commit(config(senderSession(tb, 1, 20,
                    "<security><key>" + mistyped + "</key></security>"))).error();
            assertNotNull(refused, "a mistyped key is refused");
            assertFalse(refused.toString().contains(mistyped), refused.toString());
            assertTrue(refused.message().contains("not shown"), refused.toString());
            snd.commitOk(config(senderSession(tb, 1, 20, "<security><key>" + key + "</key></security>")));
            Xml state = awaitReceived(snd, 20);
            assertTrue(receivedIn(state) >= 20, "the authenticated session measures: " + state);

            List<String> secrets = List.of(key, key.toUpperCase(Locale.ROOT), Base64.getEncoder().encodeToString(raw),
                    mistyped, viewerHash, strangerHash, viewerPassword, strangerPassword, sender.password(),
                    reflector.password());
            for (AgentInNamespace agent : List.of(sender, reflector)) {
                NetconfClient viewer = new NetconfClient(tb, nsOf(agent), AgentInNamespace.PORT, "viewer",
                        viewerPassword, agent.dir());
                NetconfClient stranger = new NetconfClient(tb, nsOf(agent), AgentInNamespace.PORT, "stranger",
                        strangerPassword, agent.dir());
                for (Xml seen : List.of(viewer.getConfig(), viewer.get(), stranger.getConfig(), stranger.get())) {
                    assertFalse(seen.toString().contains(key), "a key read without access: " + seen);
                    assertTrue(seen.toString().contains("session-reflector-ip") || seen.toString().contains("k1"),
                            "the rest is readable: " + seen);
                }
                Xml operator = agent.client().get();
                assertTrue(operator.toString().contains(key), "the operator reads the key: " + operator);
                for (org.w3c.dom.Node s : operator.nodes("//s:stamp-state")) {
                    assertFalse(s.getTextContent().contains(key), "the state tree echoes the key");
                }
            }
            assertOnlyStrongSshAlgorithms(reflector);
            assertEquals(0, sender.terminate());
            assertEquals(0, reflector.terminate());
            for (AgentInNamespace agent : List.of(sender, reflector)) {
                String log = agent.fullLog();
                assertTrue(log.contains(" TRACE ") || log.contains(" DEBUG "), "the log is verbose");
                assertTrue(log.contains("logging [") && log.contains("at INFO, not more"), "says what it lowered");
                assertTrue(log.contains("holds password hashes and every user of this host can read it"),
                        "warns about agent.conf");
                for (String secret : secrets) {
                    assertFalse(log.contains(secret), "a secret in " + agent.log() + ": " + secret);
                }
            }
        }
    }

    private static String nsOf(AgentInNamespace agent) {
        return agent.dir().getFileName().toString().contains("sender") ? tb.senderNs() : tb.reflectorNs();
    }

    /**
     * The SSH server offers only strong algorithms (ssh-audit's view of the agent: key exchange,
     * host key, ciphers, MACs), OpenSSH's client with a SHA-1 key exchange, a CBC cipher, a SHA-1
     * MAC or ssh-rsa gets no connection; ncclient (every call before) connects. On the secrets
     * test's agent: one agent start less in CI.
     */
    private static void assertOnlyStrongSshAlgorithms(AgentInNamespace agent) throws Exception {
        Testbed.Result audit = tb.exec(tb.reflectorNs(), "ssh-audit", "-j", "-p",
                String.valueOf(AgentInNamespace.PORT), "::1");
        JsonObject json = JsonParser.parseString(audit.stdout()).getAsJsonObject();
        Map<String, List<String>> offered = new java.util.TreeMap<>();
        for (String kind : List.of("kex", "key", "enc", "mac")) {
            List<String> names = new ArrayList<>();
            for (JsonElement e : json.getAsJsonArray(kind)) {
                names.add(e.isJsonObject() ? e.getAsJsonObject().get("algorithm").getAsString() : e.getAsString());
            }
            offered.put(kind, names);
        }
        System.out.println("ssh-audit: " + offered);
        List<String> kex = new ArrayList<>(offered.get("kex"));
        // the pseudo-algorithms of RFC 8308 (ext-info) and of strict key exchange (the Terrapin fix)
        kex.removeAll(List.of("ext-info-s", "kex-strict-s-v00@openssh.com"));
        assertTrue(kex.contains("curve25519-sha256"), kex.toString());
        assertTrue(Set.of("mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
                "curve25519-sha256", "curve25519-sha256@libssh.org", "curve448-sha512", "ecdh-sha2-nistp521",
                "ecdh-sha2-nistp384", "ecdh-sha2-nistp256", "diffie-hellman-group18-sha512",
                "diffie-hellman-group16-sha512").containsAll(kex), "key exchange: " + kex);
        assertEquals(List.of("ecdsa-sha2-nistp256"), offered.get("key"));
        assertEquals(List.of("chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-gcm@openssh.com",
                "aes256-ctr", "aes192-ctr", "aes128-ctr"), offered.get("enc"));
        assertEquals(List.of("hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512",
                "hmac-sha2-256"), offered.get("mac"));

        for (List<String> weak : List.of(List.of("-o", "KexAlgorithms=diffie-hellman-group1-sha1"),
                List.of("-o", "KexAlgorithms=diffie-hellman-group14-sha1"),
                List.of("-o", "KexAlgorithms=diffie-hellman-group-exchange-sha1"),
                List.of("-o", "Ciphers=aes128-cbc"),
                List.of("-o", "Ciphers=aes128-ctr", "-o", "MACs=hmac-sha1"),
                List.of("-o", "HostKeyAlgorithms=ssh-rsa"))) {
            List<String> ssh = new ArrayList<>(List.of("ssh", "-vv", "-o", "BatchMode=yes", "-o",
                    "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10",
                    "-p", String.valueOf(AgentInNamespace.PORT)));
            ssh.addAll(weak);
            ssh.addAll(List.of("-s", agent.user() + "@::1", "netconf"));
            Testbed.Result r = tb.exec(tb.reflectorNs(), ssh.toArray(String[]::new));
            assertTrue(r.exitCode() != 0 && r.stderr().contains("no matching"), weak + ": " + r.stderr());
        }
    }

    private static void requireCommand(String command, String debianPackage) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + command).start();
        boolean ok = p.waitFor() == 0;
        if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(command + " missing (apt-get install " + debianPackage + "); CI=true");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(ok, command + " missing (apt-get install " + debianPackage + ")");
    }
}
