package io.stampd.netconf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.apache.commons.codec.digest.Crypt;
import org.opendaylight.netconf.shaded.sshd.server.auth.password.PasswordAuthenticator;
import org.opendaylight.netconf.shaded.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SSH password authentication against crypt(3) SHA-256/SHA-512 hashes from the configuration file. */
final class CryptPasswordAuthenticator implements PasswordAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(CryptPasswordAuthenticator.class);
    /** Hash work for unknown users too, so that timing does not tell which users exist. */
    private static final String DUMMY_HASH = Crypt.crypt("x", "$6$stampdunknownusr");

    private final Map<String, String> hashes;

    CryptPasswordAuthenticator(Map<String, String> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        String expected = hashes.get(username);
        String hash = expected != null ? expected : DUMMY_HASH;
        // crypt() takes the salt (and rounds) from the stored hash.
        String actual = Crypt.crypt(password == null ? "" : password, hash);
        boolean ok = MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
                hash.getBytes(StandardCharsets.US_ASCII)) && expected != null;
        if (ok) {
            LOG.info("user {} authenticated from {}", username, session.getClientAddress());
        } else {
            LOG.warn("password authentication of user {} from {} failed", username, session.getClientAddress());
        }
        return ok;
    }
}
