package io.stampd.grpc;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The southbound gRPC server: {@code srv6pm.STAMPSessionSenderService} and
 * {@code srv6pm.STAMPSessionReflectorService} on one TCP port, as the original EveryWAN nodes
 * serve them, over the agent's backends. It runs on grpc-netty-shaded, whose private copy of Netty
 * leaves the NETCONF server's Netty 4.2 alone. Closing it stops taking calls, lets running ones
 * finish for up to {@value #GRACE_SECONDS} s, then cancels the rest.
 */
public final class SouthboundServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SouthboundServer.class);
    private static final long GRACE_SECONDS = 5;

    private final Server server;
    private final InetSocketAddress address;

    private SouthboundServer(Server server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /**
     * Binds and starts serving. A port in use or an unusable certificate or key fails here: an
     * IOException for the port, an IllegalArgumentException naming the files for TLS.
     */
    public static SouthboundServer start(SouthboundSettings settings, SenderBackend sender,
            ReflectorBackend reflector) throws IOException {
        Objects.requireNonNull(settings, "settings");
        var bind = new InetSocketAddress(settings.listenAddress(), settings.port());
        NettyServerBuilder builder;
        try {
            builder = NettyServerBuilder.forAddress(bind, credentials(settings)); // reads and checks the PEM files
        } catch (IOException | IllegalArgumentException e) {
            throw tlsFailure(settings, e);
        }
        builder.addService(new SenderService(sender)).addService(new ReflectorService(reflector));
        settings.token().ifPresent(token -> builder.intercept(new BearerTokenInterceptor(token)));
        Server server;
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new IOException("gRPC southbound cannot listen on " + describe(bind) + ": " + e.getMessage(), e);
        }
        var address = (InetSocketAddress) server.getListenSockets().getFirst();
        LOG.info("gRPC southbound listening on {} ({}, {})", describe(address),
                settings.tls().isPresent() ? "TLS" : "plaintext",
                settings.token().isPresent() ? "bearer token required" : "no token: any caller is served");
        if (settings.token().isPresent() && settings.tls().isEmpty()) {
            LOG.warn("gRPC southbound: the bearer token travels in plaintext; configure TLS to keep it secret");
        }
        return new SouthboundServer(server, address);
    }

    /** The bound TCP port: the configured one, or the ephemeral one picked for port 0. */
    public int port() {
        return address.getPort();
    }

    /** The bound address and port. */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("gRPC southbound on {} closed", describe(address));
    }

    private static ServerCredentials credentials(SouthboundSettings settings) throws IOException {
        if (settings.tls().isEmpty()) {
            return InsecureServerCredentials.create();
        }
        SouthboundSettings.Tls tls = settings.tls().get();
        return TlsServerCredentials.create(tls.certificateChain().toFile(), tls.privateKey().toFile());
    }

    private static IllegalArgumentException tlsFailure(SouthboundSettings settings, Exception e) {
        String files = settings.tls().map(t -> "certificate " + t.certificateChain() + ", private key "
                + t.privateKey()).orElse("plaintext");
        return new IllegalArgumentException("gRPC southbound TLS setup failed (" + files + "): " + e.getMessage(), e);
    }

    private static String describe(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
