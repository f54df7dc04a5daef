package io.stampd.tools.watch;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and as whom to log in to a NETCONF agent over SSH: a password or an OpenSSH private key
 * (at least one), and optionally the SHA256 fingerprint the agent's host key must have.
 */
public record NetconfLogin(String host, int port, String user, String password, Path identity,
                           String hostKeyFingerprint, Duration timeout) {
    public NetconfLogin {
        if (password == null && identity == null) {
            throw new IllegalArgumentException("no credentials: give a password (environment variable or file) or a"
                    + " private key");
        }
    }

    /** [host]:port for messages, IPv6 literals in brackets. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
