package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opendaylight.netconf.shaded.sshd.common.NamedResource;
import org.opendaylight.netconf.shaded.sshd.server.ServerBuilder;
import org.opendaylight.netconf.shaded.sshd.server.SshServer;

/** The algorithms of a MINA server as the agent builds it (its defaults, then restricted). */
class SshAlgorithmsTest {
    private static List<String> names(List<? extends NamedResource> factories) {
        return factories.stream().map(NamedResource::getName).toList();
    }

    @Test
    void offersOnlyTheStrongAlgorithmsInOrder() {
        SshServer server = ServerBuilder.builder().build();
        assertTrue(names(server.getMacFactories()).contains("hmac-sha1"), "MINA's defaults include SHA-1 MACs");
        SshAlgorithms.restrict(server);

        List<String> kex = names(server.getKeyExchangeFactories());
        List<String> ciphers = names(server.getCipherFactories());
        List<String> macs = names(server.getMacFactories());
        List<String> signatures = names(server.getSignatureFactories());
        assertEquals("curve25519-sha256", kex.get(kex.indexOf("curve25519-sha256")));
        assertTrue(kex.containsAll(List.of("curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
                "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512")), kex.toString());
        assertTrue(SshAlgorithms.KEY_EXCHANGE.containsAll(kex), kex.toString());
        assertEquals(List.of("chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-gcm@openssh.com",
                "aes256-ctr", "aes192-ctr", "aes128-ctr"), ciphers);
        assertEquals(SshAlgorithms.MACS, macs);
        assertTrue(signatures.containsAll(List.of("ecdsa-sha2-nistp256", "ssh-ed25519", "rsa-sha2-256")),
                signatures.toString());
        for (String name : concat(kex, ciphers, macs, signatures)) {
            assertFalse(name.contains("sha1") || name.contains("md5") || name.contains("cbc")
                    || name.contains("3des") || name.contains("arcfour") || name.equals("ssh-rsa")
                    || name.equals("ssh-dss") || name.contains("group14") || name.contains("group-exchange"),
                    "weak algorithm offered: " + name);
        }
    }

    @Test
    void aListNothingOfWhichIsImplementedIsAnError() {
        SshServer server = ServerBuilder.builder().build();
        var e = assertThrows(IllegalStateException.class, () -> SshAlgorithms.keep(server.getCipherFactories(),
                List.of("des-cbc"), "cipher"));
        assertTrue(e.getMessage().contains("implements no cipher algorithm of [des-cbc]"), e.getMessage());
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
