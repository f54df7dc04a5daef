package io.stampd.tools;

import io.stampd.tools.testing.Testbed;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.namespace.NamespaceContext;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NETCONF from inside a test bed namespace, the way an operator's script would do it: every call
 * runs Debian's /usr/bin/python3 with ncclient ({@code stampd_nc.py}), one NETCONF session each.
 */
final class NetconfClient {
    static final String PYTHON = "/usr/bin/python3";

    /** Debian's python3-ncclient (and lxml) for {@link #PYTHON}: a failure with CI=true, else the test is skipped. */
    static void requireNcclient() throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", "import ncclient, lxml").redirectErrorStream(true).start();
        boolean ok = p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("python3-ncclient missing (apt-get install python3-ncclient); CI=true");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(ok, "python3-ncclient missing (apt-get install python3-ncclient)");
    }
    static final String STAMP_NS = "urn:stampd:yang:stampd-stamp";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final AtomicInteger FILES = new AtomicInteger();

    private final Testbed testbed;
    private final String namespace;
    private final int port;
    private final String user;
    private final String password;
    private final Path scratch;

    NetconfClient(Testbed testbed, String namespace, int port, String user, String password, Path scratch) {
        this.testbed = testbed;
        this.namespace = namespace;
        this.port = port;
        this.user = user;
        this.password = password;
        this.scratch = scratch;
    }

    /** The NETCONF client script the demo uses too. */
    static Path script() {
        return io.stampd.tools.testing.TestEnv.projectRoot().resolve("tools/lib/stampd_nc.py");
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString(), "::1", String.valueOf(port), user,
                password));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Testbed.Result run(String... args) {
        return testbed.exec(TIMEOUT, namespace, command(args).toArray(String[]::new));
    }

    private Path file(String content) {
        Path f = scratch.resolve("nc-" + FILES.incrementAndGet() + ".xml");
        try {
            Files.writeString(f, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    /** edit-config into candidate and commit; the outcome is "OK" or an {@link RpcError}. */
    CommitResult commit(String config) {
        Testbed.Result r = run("commit", file(config).toString());
        String out = r.stdout().strip();
        if (r.exitCode() == 0 && out.equals("OK")) {
            return new CommitResult(null);
        }
        if (r.exitCode() == 3) {
            return new CommitResult(RpcError.parse(out));
        }
        throw new AssertionError("commit failed unexpectedly (exit " + r.exitCode() + "): " + out + "\n"
                + r.stderr());
    }

    /**
     * Starts one NETCONF session that commits each of {@code configs} in turn and prints "OK i"
     * after the i-th commit's reply (i from 1); the caller reads its stdout and may kill the agent
     * under it.
     */
    Process startCommitEach(List<String> configs) {
        List<String> args = new ArrayList<>(List.of("commit-each"));
        configs.forEach(c -> args.add(file(c).toString()));
        return testbed.start(namespace, command(args.toArray(String[]::new)).toArray(String[]::new));
    }

    void commitOk(String config) {
        CommitResult r = commit(config);
        if (r.error() != null) {
            throw new AssertionError("commit refused: " + r.error());
        }
    }

    record CommitResult(RpcError error) {
    }

    /** An rpc-error as the client saw it. */
    record RpcError(String tag, String path, String message) {
        static RpcError parse(String line) {
            // RPC-ERROR tag=.. path=.. message=..
            int t = line.indexOf("tag=");
            int p = line.indexOf(" path=");
            int m = line.indexOf(" message=");
            if (!line.startsWith("RPC-ERROR") || t < 0 || p < 0 || m < 0) {
                throw new AssertionError("not an rpc-error line: " + line);
            }
            return new RpcError(line.substring(t + 4, p), line.substring(p + 6, m), line.substring(m + 9));
        }
    }

    Xml get() {
        return Xml.parse(ok(run("get")).stdout());
    }

    Xml get(String subtreeFilter) {
        return Xml.parse(ok(run("get", subtreeFilter)).stdout());
    }

    Xml getConfig() {
        return Xml.parse(ok(run("get-config")).stdout());
    }

    /** Sends a custom operation; returns the reply, or throws with the rpc-error. */
    Xml rpc(String operation) {
        Testbed.Result r = run("rpc", file(operation).toString());
        if (r.exitCode() == 3) {
            throw new RpcFailed(RpcError.parse(r.stdout().strip()));
        }
        return Xml.parse(ok(r).stdout());
    }

    static final class RpcFailed extends RuntimeException {
        final RpcError error;

        RpcFailed(RpcError error) {
            super(error.toString());
            this.error = error;
        }
    }

    /** A running create-subscription: notifications arrive as lines. */
    Subscription subscribe(Duration duration) throws IOException {
        Process p = testbed.start(namespace, command("subscribe", String.valueOf(duration.toSeconds()))
                .toArray(String[]::new));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (!"SUBSCRIBED".equals(first)) {
            throw new AssertionError("create-subscription failed: " + first + " "
                    + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return new Subscription(p, out);
    }

    record Subscription(Process process, BufferedReader lines) {
        /** The next notification line containing {@code needle}, or null after {@code timeout}; all go to seen. */
        String await(String needle, Duration timeout, List<String> seen) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (lines.ready()) {
                    String line = lines.readLine();
                    if (line == null) {
                        return null;
                    }
                    seen.add(line);
                    if (line.contains(needle)) {
                        return line;
                    }
                } else if (!process.isAlive() && !lines.ready()) {
                    return null;
                } else {
                    Thread.sleep(20);
                }
            }
            return null;
        }
    }

    private static Testbed.Result ok(Testbed.Result r) {
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", r.command().subList(0, 2)) + " " + r.command().get(6)
                    + " failed (exit " + r.exitCode() + "): " + r.stdout() + "\n" + r.stderr());
        }
        return r;
    }

    /** A NETCONF reply as a DOM, with XPath where {@code s:} is stampd-stamp's namespace. */
    static final class Xml {
        final Document doc;
        final String text;

        private Xml(Document doc, String text) {
            this.doc = doc;
            this.text = text;
        }

        static Xml parse(String text) {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                String xml = text.substring(text.indexOf('<'));
                return new Xml(f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(
                        StandardCharsets.UTF_8))), xml);
            } catch (Exception e) {
                throw new AssertionError("not XML: " + text, e);
            }
        }

        private Object eval(String xpath, javax.xml.namespace.QName type) {
            try {
                var x = XPathFactory.newInstance().newXPath();
                x.setNamespaceContext(new NamespaceContext() {
                    @Override
                    public String getNamespaceURI(String prefix) {
                        return "s".equals(prefix) ? STAMP_NS : XMLConstants.NULL_NS_URI;
                    }

                    @Override
                    public String getPrefix(String uri) {
                        return null;
                    }

                    @Override
                    public Iterator<String> getPrefixes(String uri) {
                        return null;
                    }
                });
                return x.evaluate(xpath, doc, type);
            } catch (XPathExpressionException e) {
                throw new IllegalArgumentException(xpath, e);
            }
        }

        String string(String xpath) {
            return ((String) eval(xpath, XPathConstants.STRING)).strip();
        }

        /** The number at {@code xpath}; fails if there is none. */
        long number(String xpath) {
            String s = string(xpath);
            if (s.isEmpty()) {
                throw new AssertionError("nothing at " + xpath + " in " + text);
            }
            return Long.parseLong(s);
        }

        List<Node> nodes(String xpath) {
            NodeList l = (NodeList) eval(xpath, XPathConstants.NODESET);
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < l.getLength(); i++) {
                out.add(l.item(i));
            }
            return out;
        }

        int count(String xpath) {
            return nodes(xpath).size();
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
