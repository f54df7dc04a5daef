package io.stampd.netconf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.opendaylight.netconf.shaded.sshd.common.NamedResource;
import org.opendaylight.netconf.shaded.sshd.common.config.keys.KeyUtils;
import org.opendaylight.netconf.shaded.sshd.common.keyprovider.KeyPairProvider;
import org.opendaylight.netconf.shaded.sshd.common.util.security.SecurityUtils;
import org.opendaylight.netconf.shaded.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
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
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new AgentConfig.ConfigException("cannot create the directory of SSH host key " + file + ": "
                        + e.getMessage());
            }
            var generator = new SimpleGeneratorHostKeyProvider(file);
            generator.setAlgorithm(KeyUtils.EC_ALGORITHM);
            generator.setKeySize(256);
            keys.addAll(generator.loadKeys(null));
            if (keys.isEmpty() || !Files.exists(file)) {
                throw new AgentConfig.ConfigException("cannot generate and write SSH host key " + file);
            }
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | UnsupportedOperationException e) {
                LOG.warn("cannot restrict permissions of {}: {}", file, e.getMessage());
            }
            LOG.info("generated SSH host key {}", file);
        }
        for (KeyPair k : keys) {
            LOG.info("SSH host key {} {}", KeyUtils.getKeyType(k.getPublic()), KeyUtils.getFingerPrint(k.getPublic()));
        }
        return KeyPairProvider.wrap(keys);
    }
}
