package io.stampd.netconf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.opendaylight.netconf.shaded.sshd.common.NamedResource;
import org.opendaylight.netconf.shaded.sshd.common.kex.KexFactoryManager;

/**
 * The SSH algorithms the NETCONF server offers: only strong ones, in this order of preference,
 * out of those Apache MINA SSHD implements. Its defaults also offer hmac-sha1, hmac-sha1-etm,
 * diffie-hellman-group14-sha256, group15, group17 and group-exchange-sha256, and ssh-rsa (SHA-1)
 * signatures for client keys. Left out here: every SHA-1 or MD5 MAC, CBC, 3DES and arcfour
 * ciphers, SHA-1 key exchange and modular groups below 4096 bits, ssh-rsa and ssh-dss. Kept: what
 * OpenSSH, paramiko 2.x (ncclient, Ansible) and MINA's own client (stampd watch) negotiate.
 */
final class SshAlgorithms {
    static final List<String> KEY_EXCHANGE = List.of(
            "mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
            "curve25519-sha256", "curve25519-sha256@libssh.org", "curve448-sha512",
            "ecdh-sha2-nistp521", "ecdh-sha2-nistp384", "ecdh-sha2-nistp256",
            "diffie-hellman-group18-sha512", "diffie-hellman-group16-sha512");
    static final List<String> CIPHERS = List.of(
            "chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-gcm@openssh.com",
            "aes256-ctr", "aes192-ctr", "aes128-ctr");
    static final List<String> MACS = List.of(
            "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512", "hmac-sha2-256");
    /** Host key and client public key signatures (RSA only with SHA-2: rsa-sha2-*, never ssh-rsa). */
    static final List<String> SIGNATURES = List.of(
            "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com",
            "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
            "rsa-sha2-512", "rsa-sha2-256", "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com");

    private SshAlgorithms() {
    }

    /**
     * Restricts {@code manager} (MINA's server, already filled with its defaults) to the lists
     * above. A list MINA cannot offer any of is an error: a server that negotiates nothing would
     * only show up as every client failing.
     */
    static void restrict(KexFactoryManager manager) {
        manager.setKeyExchangeFactories(keep(manager.getKeyExchangeFactories(), KEY_EXCHANGE, "key exchange"));
        manager.setCipherFactories(keep(manager.getCipherFactories(), CIPHERS, "cipher"));
        manager.setMacFactories(keep(manager.getMacFactories(), MACS, "MAC"));
        manager.setSignatureFactories(keep(manager.getSignatureFactories(), SIGNATURES, "signature"));
    }

    /** The factories of {@code offered} named in {@code allowed}, in {@code allowed}'s order. */
    static <T extends NamedResource> List<T> keep(List<T> offered, List<String> allowed, String kind) {
        Map<String, T> byName = offered.stream().collect(Collectors.toMap(NamedResource::getName,
                Function.identity(), (a, b) -> a));
        List<T> kept = new ArrayList<>();
        for (String name : allowed) {
            T factory = byName.get(name);
            if (factory != null) {
                kept.add(factory);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalStateException("the SSH server implements no " + kind + " algorithm of " + allowed
                    + " (it has " + byName.keySet() + ")");
        }
        return kept;
    }
}
