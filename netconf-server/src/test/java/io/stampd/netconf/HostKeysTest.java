package io.stampd.netconf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendaylight.netconf.shaded.sshd.common.config.keys.KeyUtils;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostKeysTest {
    @TempDir
    Path dir;

    private static String fingerprint(Path file) throws Exception {
        List<KeyPair> keys = new java.util.ArrayList<>();
        HostKeys.load(file).loadKeys(null).forEach(keys::add);
        assertEquals(1, keys.size());
        return KeyUtils.getFingerPrint(keys.get(0).getPublic());
    }

    /** First start: a P-256 key, mode 0600 from the start, no temporary file left; later starts read the same key. */
    @Test
    void aGeneratedKeyIsPrivateAndKeptAcrossStarts() throws Exception {
        Path file = dir.resolve("state/ssh_host_key");
        String first = fingerprint(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
        assertEquals(first, fingerprint(file), "the same key after a restart");
        assertTrue(first.startsWith("SHA256:"), first);
    }

    /** A key file that cannot be read stops the agent instead of being replaced. */
    @Test
    void anUnreadableKeyFileIsRefusedAndLeftAlone() throws Exception {
        Path file = dir.resolve("ssh_host_key");
        Files.writeString(file, "not a key\n");
        AgentConfig.ConfigException e = assertThrows(AgentConfig.ConfigException.class, () -> HostKeys.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("remove the file"),
                e.getMessage());
        assertEquals("not a key\n", Files.readString(file));
    }
}
