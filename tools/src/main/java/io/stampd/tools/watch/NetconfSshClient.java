package io.stampd.tools.watch;

import org.opendaylight.netconf.shaded.sshd.client.SshClient;
import org.opendaylight.netconf.shaded.sshd.client.channel.ChannelSubsystem;
import org.opendaylight.netconf.shaded.sshd.client.session.ClientSession;
import org.opendaylight.netconf.shaded.sshd.common.config.keys.KeyUtils;
import org.opendaylight.netconf.shaded.sshd.common.keyprovider.FileKeyPairProvider;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A minimal NETCONF client (RFC 6241 over RFC 6242 SSH) on the Apache MINA SSHD client that the
 * OpenDaylight netconf stack already brings (shaded): hello, then one {@code <rpc>} at a time.
 * Enough for reading state; no notifications, no pipelining.
 */
public final class NetconfSshClient implements AutoCloseable {
    static final String BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0";
    static final String BASE_10 = "urn:ietf:params:netconf:base:1.0";
    static final String BASE_11 = "urn:ietf:params:netconf:base:1.1";
    static final String HELLO = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><hello xmlns=\"" + BASE_NS + "\">"
            + "<capabilities><capability>" + BASE_10 + "</capability><capability>" + BASE_11 + "</capability>"
            + "</capabilities></hello>";

    static {
        // Every failure reaches the user as one line of ours (wrong key, refused, no reply); MINA's own
        // WARN lines (slf4j-simple, stderr) would only repeat it, over the screen. Read when its
        // loggers are made, so before the first SSH class is used.
        System.setProperty("org.slf4j.simpleLogger.log.org.opendaylight.netconf.shaded.sshd", "off");
    }

    private final NetconfLogin login;
    private final SshClient ssh;
    private final String hostKeyFingerprint;
    private final ClientSession session;
    private final ChannelSubsystem channel;
    private final NetconfFraming framing;
    private final AtomicInteger messageId = new AtomicInteger();

    private NetconfSshClient(NetconfLogin login, SshClient ssh, String hostKeyFingerprint, ClientSession session,
                             ChannelSubsystem channel, NetconfFraming framing) {
        this.login = login;
        this.ssh = ssh;
        this.hostKeyFingerprint = hostKeyFingerprint;
        this.session = session;
        this.channel = channel;
        this.framing = framing;
    }

    /** Connects, logs in, opens the netconf subsystem and exchanges hellos; errors say which step failed. */
    public static NetconfSshClient connect(NetconfLogin login) throws IOException {
        List<KeyPair> keys = login.identity() == null ? List.of() : loadIdentity(login);
        AtomicReference<String> seenKey = new AtomicReference<>();
        SshClient ssh = SshClient.setUpDefaultClient();
        ssh.setServerKeyVerifier((s, address, key) -> {
            String fp = KeyUtils.getFingerPrint(key);
            seenKey.set(fp);
            return login.hostKeyFingerprint() == null || login.hostKeyFingerprint().equals(fp);
        });
        ssh.start();
        ClientSession session = null;
        try {
            session = open(ssh, login, seenKey);
            if (login.password() != null) {
                session.addPasswordIdentity(login.password());
            }
            keys.forEach(session::addPublicKeyIdentity);
            try {
                session.auth().verify(login.timeout());
            } catch (IOException e) {
                // the key exchange, and with it the host key check, may finish only here
                checkHostKey(login, seenKey.get(), e);
                throw new IOException("authentication of user '" + login.user() + "' at " + login.address()
                        + " failed: wrong password or key, or no such NETCONF user in the agent's configuration", e);
            }
            ChannelSubsystem channel = session.createSubsystemChannel("netconf");
            try {
                channel.open().verify(login.timeout());
            } catch (IOException e) {
                throw new IOException(login.address() + " has no NETCONF subsystem: " + rootMessage(e), e);
            }
            NetconfFraming framing = new NetconfFraming(channel.getInvertedOut(), channel.getInvertedIn());
            NetconfSshClient client = new NetconfSshClient(login, ssh, seenKey.get(), session, channel, framing);
            client.hello();
            return client;
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            ssh.stop();
            throw e;
        }
    }

    private static ClientSession open(SshClient ssh, NetconfLogin login, AtomicReference<String> seenKey)
            throws IOException {
        try {
            return ssh.connect(login.user(), login.host(), login.port()).verify(login.timeout()).getSession();
        } catch (IOException e) {
            checkHostKey(login, seenKey.get(), e);
            Throwable cause = rootCause(e);
            String why = switch (cause) {
                case ConnectException c -> "connection refused (is the agent running and listening there?)";
                case NoRouteToHostException n -> "no route to host";
                case UnknownHostException u -> "unknown host";
                default -> rootMessage(e);
            };
            throw new IOException("cannot connect to " + login.address() + ": " + why, e);
        }
    }

    /** Throws the host key mismatch as the reason of {@code failure}, if there was one. */
    private static void checkHostKey(NetconfLogin login, String seen, IOException failure) throws IOException {
        if (seen != null && login.hostKeyFingerprint() != null && !login.hostKeyFingerprint().equals(seen)) {
            throw new IOException("host key of " + login.address() + " is " + seen + ", not the expected "
                    + login.hostKeyFingerprint(), failure);
        }
    }

    private static List<KeyPair> loadIdentity(NetconfLogin login) throws IOException {
        if (!Files.isReadable(login.identity())) {
            throw new IOException("private key " + login.identity() + " is not a readable file");
        }
        List<KeyPair> keys = new ArrayList<>();
        try {
            new FileKeyPairProvider(login.identity()).loadKeys(null).forEach(keys::add);
        } catch (RuntimeException e) {
            throw new IOException("private key " + login.identity() + " could not be read (an unencrypted OpenSSH"
                    + " or PEM key is needed): " + rootMessage(e), e);
        }
        if (keys.isEmpty()) {
            throw new IOException("private key " + login.identity() + " holds no key");
        }
        return keys;
    }

    private void hello() throws IOException {
        framing.write(HELLO);
        Document hello = parse(readWithTimeout());
        Element root = hello.getDocumentElement();
        if (!"hello".equals(root.getLocalName()) || !BASE_NS.equals(root.getNamespaceURI())) {
            throw new IOException(login.address() + " did not start with a NETCONF hello");
        }
        List<String> caps = new ArrayList<>();
        NodeList nodes = root.getElementsByTagNameNS(BASE_NS, "capability");
        for (int i = 0; i < nodes.getLength(); i++) {
            caps.add(nodes.item(i).getTextContent().strip());
        }
        if (caps.contains(BASE_11)) {
            framing.useChunked();
        } else if (!caps.contains(BASE_10)) {
            throw new IOException(login.address() + " announced neither NETCONF base:1.0 nor base:1.1");
        }
    }

    /** SHA256 fingerprint of the agent's host key, as the agent logs it at start. */
    public String hostKeyFingerprint() {
        return hostKeyFingerprint;
    }

    /** True once both sides chose base:1.1 (chunked framing). */
    boolean chunked() {
        return framing.chunked();
    }

    /** Sends one operation (the XML inside {@code <rpc>}); returns the {@code <rpc-reply>} or throws its rpc-error. */
    public synchronized Document rpc(String operation) throws IOException {
        String id = String.valueOf(messageId.incrementAndGet());
        framing.write("<rpc message-id=\"" + id + "\" xmlns=\"" + BASE_NS + "\">" + operation + "</rpc>");
        Document reply = parse(readWithTimeout());
        Element root = reply.getDocumentElement();
        if (!"rpc-reply".equals(root.getLocalName()) || !id.equals(root.getAttribute("message-id"))) {
            throw new IOException("unexpected NETCONF message from " + login.address() + ": <" + root.getLocalName()
                    + " message-id=" + root.getAttribute("message-id") + ">, wanted the rpc-reply to " + id);
        }
        NodeList errors = root.getElementsByTagNameNS(BASE_NS, "rpc-error");
        for (int i = 0; i < errors.getLength(); i++) {
            Element e = (Element) errors.item(i);
            if (!"warning".equals(child(e, "error-severity"))) {
                throw new IOException("rpc-error from " + login.address() + ": " + child(e, "error-tag") + ": "
                        + child(e, "error-message"));
            }
        }
        return reply;
    }

    /** Reads one message; a reply that does not come within the timeout closes the channel (the read then fails). */
    private String readWithTimeout() throws IOException {
        CompletableFuture<Void> watchdog = new CompletableFuture<>();
        watchdog.completeOnTimeout(null, login.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenRun(() -> channel.close(true));
        try {
            return framing.read();
        } catch (IOException e) {
            if (watchdog.isDone()) {
                throw new IOException("no reply from " + login.address() + " within " + login.timeout().toSeconds()
                        + " s", e);
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
    }

    private static String child(Element parent, String name) {
        NodeList l = parent.getElementsByTagNameNS(BASE_NS, name);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().strip();
    }

    static Document parse(String xml) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.strip().getBytes(StandardCharsets.UTF_8)));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        } catch (org.xml.sax.SAXException e) {
            throw new IOException("NETCONF message is not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = rootCause(e);
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** close-session (best effort), then the channel, the SSH session and the client. */
    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                rpc("<close-session/>");
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway: the agent ends the NETCONF session with the SSH channel
        } finally {
            channel.close(true);
            session.close(true);
            ssh.stop();
        }
    }

    /** The text of the first element child of {@code parent} named {@code name} in {@code ns}, or null. */
    static String text(Node parent, String ns, String name) {
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c.getNodeType() == Node.ELEMENT_NODE && name.equals(c.getLocalName()) && ns.equals(c.getNamespaceURI())) {
                return c.getTextContent().strip();
            }
        }
        return null;
    }
}
