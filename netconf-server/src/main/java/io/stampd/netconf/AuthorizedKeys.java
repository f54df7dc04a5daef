package io.stampd.netconf;

import org.opendaylight.netconf.shaded.sshd.common.config.keys.AuthorizedKeyEntry;
import org.opendaylight.netconf.shaded.sshd.common.config.keys.PublicKeyEntryResolver;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads an OpenSSH authorized_keys file into public keys, with errors naming the file and the line. */
final class AuthorizedKeys {
    private AuthorizedKeys() {
    }

    static final class BadKeysException extends Exception {
        private static final long serialVersionUID = 1L;

        BadKeysException(String message) {
            super(message);
        }
    }

    static List<PublicKey> read(Path file) throws BadKeysException {
        List<AuthorizedKeyEntry> entries;
        try {
            entries = AuthorizedKeyEntry.readAuthorizedKeys(file);
        } catch (NoSuchFileException e) {
            throw new BadKeysException("authorized keys file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new BadKeysException("cannot read authorized keys file " + file + ": " + e.getMessage());
        }
        List<PublicKey> keys = new ArrayList<>();
        for (AuthorizedKeyEntry entry : entries) {
            try {
                keys.add(entry.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING));
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                throw new BadKeysException("authorized keys file " + file + ": key of type " + entry.getKeyType()
                        + " cannot be used: " + e.getMessage());
            }
        }
        if (keys.isEmpty()) {
            throw new BadKeysException("authorized keys file " + file + " holds no key");
        }
        return List.copyOf(keys);
    }
}
