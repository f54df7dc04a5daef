package io.stampd.tools.watch;

import java.io.IOException;
import java.util.List;

/**
 * The sender sessions of a running agent, read with one NETCONF {@code <get>} (subtree filter on
 * the sender state) per poll. A failed poll drops the connection; the next poll reconnects.
 * Synchronized: Ctrl-C's shutdown hook closes it while the main thread may be polling.
 */
final class AgentSource implements SessionSource {
    private final NetconfLogin login;
    private NetconfSshClient client;
    /** Of the first connection: the title keeps naming it while reconnecting. */
    private final String hostKey;

    private AgentSource(NetconfLogin login, NetconfSshClient client) {
        this.login = login;
        this.client = client;
        this.hostKey = client.hostKeyFingerprint();
    }

    /** Connects now, so that a wrong address or password is reported before the screen is taken. */
    static AgentSource connect(NetconfLogin login) throws IOException {
        return new AgentSource(login, NetconfSshClient.connect(login));
    }

    @Override
    public String describe() {
        return "agent " + login.address() + " as " + login.user()
                + (login.hostKeyFingerprint() != null ? " (host key verified)"
                : hostKey == null ? "" : " (host key " + hostKey + ", not checked)");
    }

    @Override
    public synchronized List<SessionSample> poll() throws IOException {
        if (client == null) {
            client = NetconfSshClient.connect(login);
        }
        try {
            return SenderStateXml.parse(client.rpc("<get>" + SenderStateXml.FILTER + "</get>"));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            NetconfSshClient c = client;
            client = null;
            c.close();
        }
    }
}
