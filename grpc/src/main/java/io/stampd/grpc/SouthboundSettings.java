package io.stampd.grpc;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Where and how {@link SouthboundServer} listens: address, TCP port, optional TLS, optional bearer
 * token. Operators usually set {@code grpc.port = 12345}, the port of the original EveryWAN nodes
 * that the controller expects ({@link #USUAL_PORT}).
 *
 * @param listenAddress the local address to bind; {@code ::} takes every address, IPv4 ones too
 * @param port the TCP port, 1..65535, or 0 for an ephemeral port (tests; see
 *     {@link SouthboundServer#port()})
 * @param tls the server's certificate chain and private key, or empty for plaintext
 * @param token the token every call must carry, or empty to take any caller
 */
public record SouthboundSettings(InetAddress listenAddress, int port, Optional<Tls> tls,
        Optional<BearerToken> token) {
    /** The port of the original nodes, which an EveryWAN controller connects to. */
    public static final int USUAL_PORT = 12345;

    /** Key of the local address to bind (default {@code ::}). */
    public static final String LISTEN_ADDRESS_KEY = "grpc.listen-address";
    /** Key of the TCP port; without it the gRPC API is off. */
    public static final String PORT_KEY = "grpc.port";
    /** Key of the PEM file of the server's certificate chain, relative to the base directory. */
    public static final String CERTIFICATE_KEY = "grpc.tls.certificate";
    /** Key of the PEM file (PKCS#8) of the server's private key, relative to the base directory. */
    public static final String PRIVATE_KEY_KEY = "grpc.tls.private-key";
    /** Key of the file holding the bearer token, relative to the base directory; mode 600 or stricter. */
    public static final String TOKEN_FILE_KEY = "grpc.token-file";
    /**
     * Key of the user whose access control (NACM) the southbound's changes have; read by the agent
     * (AgentConfig), which also supplies its default.
     */
    public static final String NACM_USER_KEY = "grpc.nacm-user";

    /**
     * The PEM files TLS is served with.
     *
     * @param certificateChain the server certificate first, then its intermediates
     * @param privateKey the certificate's private key, unencrypted PKCS#8 ("BEGIN PRIVATE KEY"); a
     *     traditional "BEGIN EC/RSA PRIVATE KEY" file converts with {@code openssl pkcs8 -topk8 -nocrypt}
     */
    public record Tls(Path certificateChain, Path privateKey) {
        public Tls {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    public SouthboundSettings {
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(token, "token");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 0..65535");
        }
    }

    /**
     * The settings of the {@code grpc.*} keys of an agent's configuration, or empty when
     * {@code grpc.port} is absent (the gRPC API is off). Files are resolved against {@code baseDir}.
     * A bad value (port not 1..65535, an address that is not an IP literal, one of the TLS pair
     * without the other, a missing file, an empty token or a token file readable by group or
     * others) is an IllegalArgumentException whose message names the key and the value.
     */
    public static Optional<SouthboundSettings> fromProperties(Properties properties, Path baseDir) {
        return new SouthboundProperties(properties, baseDir).settings();
    }
}
