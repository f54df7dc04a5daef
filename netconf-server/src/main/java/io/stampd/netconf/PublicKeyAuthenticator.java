package io.stampd.netconf;

import org.opendaylight.netconf.shaded.sshd.common.config.keys.KeyUtils;
import org.opendaylight.netconf.shaded.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.opendaylight.netconf.shaded.sshd.server.session.ServerSession;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;

/** SSH public-key login against the keys configured per user (netconf.user.NAME.authorized-keys). */
final class PublicKeyAuthenticator implements PublickeyAuthenticator {
    private final Map<String, List<PublicKey>> keys;

    PublicKeyAuthenticator(Map<String, List<PublicKey>> keys) {
        this.keys = Map.copyOf(keys);
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        for (PublicKey k : keys.getOrDefault(username, List.of())) {
            if (KeyUtils.compareKeys(k, key)) {
                return true;
            }
        }
        return false;
    }
}
