package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.commons.codec.digest.Crypt;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
    private static final Path FILE = Path.of("/etc/stampd/agent.conf");
    private static final String HASH = Crypt.crypt("pw", "$6$saltsalt");

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void refusesAFileWithoutUsersAndSaysHowToAddOne() {
        var e = assertThrows(AgentConfig.ConfigException.class,
                () -> AgentConfig.parse(FILE, props("netconf.port", "1830")));
        assertTrue(e.getMessage().contains("no NETCONF users"), e.getMessage());
        assertTrue(e.getMessage().contains("netconf.user.admin.password-hash"), e.getMessage());
        assertTrue(e.getMessage().contains("openssl passwd -6"), e.getMessage());
    }

    @Test
    void refusesPlainTextPasswords() {
        var e = assertThrows(AgentConfig.ConfigException.class,
                () -> AgentConfig.parse(FILE, props("netconf.user.admin.password-hash", "secret")));
        assertTrue(e.getMessage().contains("plain-text passwords are not accepted"), e.getMessage());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        var e = assertThrows(AgentConfig.ConfigException.class, () -> AgentConfig.parse(FILE, props(
                "netconf.port", "70000", "netconf.listen-address", "localhost", "netconf.prot", "1",
                "netconf.user.admin.password-hash", HASH)));
        assertTrue(e.getMessage().contains("netconf.port: '70000'"), e.getMessage());
        assertTrue(e.getMessage().contains("netconf.listen-address: 'localhost'"), e.getMessage());
        assertTrue(e.getMessage().contains("netconf.prot: unknown setting"), e.getMessage());
    }

    /**
     * Found by AgentConfigFuzzer: a line ending in a backslash continues on the next, so a password
     * hash can become part of another key's value, which the error quotes. It shows as such.
     */
    @Test
    void anErrorNeverQuotesAPasswordHash() throws Exception {
        Path file = Files.createTempFile("stampd-agent", ".conf");
        try {
            Files.writeString(file, "netconf.port = 18\\\n  " + HASH + "\n");
            var e = assertThrows(AgentConfig.ConfigException.class, () -> AgentConfig.load(file));
            assertTrue(e.getMessage().contains("netconf.port: '18<a password hash>'"), e.getMessage());
            assertFalse(e.getMessage().contains(HASH.substring(3)), e.getMessage());
            var hint = assertThrows(AgentConfig.ConfigException.class,
                    () -> AgentConfig.parse(FILE, props("netconf.user.admin.password-hash", "secret")));
            assertTrue(hint.getMessage().contains("($6$...)"), "the hint is not a hash: " + hint.getMessage());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Found by AgentConfigFuzzer: a NUL in a file name escaped as InvalidPathException, a crash at start-up. */
    @Test
    void aFileNameTheSystemCannotHoldIsAnErrorNamingTheKey() {
        var e = assertThrows(AgentConfig.ConfigException.class, () -> AgentConfig.parse(FILE, props(
                "netconf.user.admin.password-hash", HASH, "netconf.ssh.host-key", "key\0file",
                "netconf.user.ops.authorized-keys", "keys\0")));
        assertTrue(e.getMessage().contains("netconf.ssh.host-key: not a file name"), e.getMessage());
        assertTrue(e.getMessage().contains("netconf.user.ops.authorized-keys: not a file name"), e.getMessage());
    }

    @Test
    void defaults() throws Exception {
        var c = AgentConfig.parse(FILE, props("netconf.user.admin.password-hash", HASH,
                "netconf.user.ops.password-hash", Crypt.crypt("x", "$5$abc")));
        assertEquals(830, c.port());
        assertTrue(c.listenAddress().isAnyLocalAddress());
        assertEquals(Path.of("/etc/stampd/ssh_host_key"), c.hostKey());
        assertEquals(2, c.passwordHashes().size());
        assertTrue(!c.toString().contains(HASH), "toString must not print hashes");
    }

    @Test
    void authorizedKeysFilesAreReadAtLoadAndBadOnesAreNamed(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("agent.conf");
        var missing = assertThrows(AgentConfig.ConfigException.class, () -> AgentConfig.parse(file,
                props("netconf.user.ops.authorized-keys", "nope.pub")));
        assertTrue(missing.getMessage().contains("netconf.user.ops.authorized-keys")
                && missing.getMessage().contains("nope.pub") && missing.getMessage().contains("does not exist"),
                missing.getMessage());
        java.nio.file.Files.writeString(dir.resolve("junk.pub"), "ssh-ed25519 not-base64!! comment\n");
        var junk = assertThrows(AgentConfig.ConfigException.class, () -> AgentConfig.parse(file,
                props("netconf.user.ops.authorized-keys", "junk.pub")));
        assertTrue(junk.getMessage().contains("junk.pub"), junk.getMessage());
    }
}
