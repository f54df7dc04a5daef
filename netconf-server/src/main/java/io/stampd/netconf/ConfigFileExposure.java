package io.stampd.netconf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Whether the agent's configuration file, when it holds password hashes, can be read by every
 * user of the host. A warning, not a refusal: the hashes are salted crypt hashes, the file may be
 * shared on purpose (a lab), and refusing would stop an agent that ran yesterday; but a crypt hash
 * anyone can read is one offline guessing attack away from a NETCONF login.
 */
final class ConfigFileExposure {
    private ConfigFileExposure() {
    }

    /** The warning to log, or empty when the file holds no hash or others cannot read it. */
    static Optional<String> warning(Path file, boolean holdsPasswordHashes) {
        if (!holdsPasswordHashes) {
            return Optional.empty();
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty(); // no POSIX permissions to judge (or the file went away after it was read)
        }
        if (!permissions.contains(PosixFilePermission.OTHERS_READ)) {
            return Optional.empty();
        }
        return Optional.of(file.toAbsolutePath() + " holds password hashes and every user of this host can read it ("
                + PosixFilePermissions.toString(permissions) + "): chmod o-r it (tools/install makes it root:stampd"
                + " 0640)");
    }
}
