package io.stampd.netconf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.opendaylight.netconf.shaded.sshd.common.NamedResource;
import org.opendaylight.netconf.shaded.sshd.common.config.keys.KeyUtils;
import org.opendaylight.netconf.shaded.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.opendaylight.netconf.shaded.sshd.common.keyprovider.KeyPairProvider;
import org.opendaylight.netconf.shaded.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH host key: read from its file, or generated (EC P-256) and written there (mode 0600) on
 * first start. A file that exists but cannot be read stops the agent: a silently replaced host key
 * would look like an attack to every client.
 */
final class HostKeys {
    private static final Logger LOG = LoggerFactory.getLogger(HostKeys.class);

    private HostKeys() {
    }

    static KeyPairProvider load(Path file) throws AgentConfig.ConfigException {
        List<KeyPair> keys = new ArrayList<>();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null)
                        .forEach(keys::add);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new AgentConfig.ConfigException("cannot read SSH host key " + file + ": " + e.getMessage()
                        + " (remove the file to have a new key generated, or set netconf.ssh.host-key)");
            }
            if (keys.isEmpty()) {
                throw new AgentConfig.ConfigException("SSH host key file " + file + " holds no key pair"
                        + " (remove the file to have a new key generated, or set netconf.ssh.host-key)");
            }
        } else {
            keys.add(generate(file));
            LOG.info("generated SSH host key {}", file);
        }
        for (KeyPair k : keys) {
            LOG.info("SSH host key {} {}", KeyUtils.getKeyType(k.getPublic()), KeyUtils.getFingerPrint(k.getPublic()));
        }
        return KeyPairProvider.wrap(keys);
    }

    /**
     * A new EC P-256 key pair, written to {@code file} in OpenSSH format. The key goes into a
     * temporary file that is created with mode 0600 (so the private key is never readable by
     * others, not even for a moment) and then renamed into place, so that a crash leaves either no
     * key or a whole one. A file system without POSIX permissions is refused: a private key there
     * could not be kept private.
     */
    private static KeyPair generate(Path file) throws AgentConfig.ConfigException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
            tmp = Files.createTempFile(dir, ".stampd-host-key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(tmp)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "stampd", null, out);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            return pair;
        } catch (UnsupportedOperationException e) {
            throw new AgentConfig.ConfigException("cannot keep SSH host key " + file + " private: " + dir
                    + " has no POSIX file permissions (set netconf.ssh.host-key to a path on another file system)");
        } catch (IOException | GeneralSecurityException e) {
            throw new AgentConfig.ConfigException("cannot generate and write SSH host key " + file + ": " + e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the message above says what went wrong; a stray temporary file is harmless
                }
            }
        }
    }
}
