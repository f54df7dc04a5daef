package io.stampd.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.stampd.grpc.srv6pm.InitStampSenderRequest;
import io.stampd.grpc.srv6pm.STAMPSessionReflectorServiceGrpc;
import io.stampd.grpc.srv6pm.STAMPSessionSenderServiceGrpc;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.StatusCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SouthboundServer over real loopback TCP: plaintext, bearer token, TLS, and its start-up failures. */
class SouthboundServerTest {
    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress V6 = InetAddress.ofLiteral("::1");
    private static final InitStampSenderRequest INIT = InitStampSenderRequest.newBuilder().setSenderUdpPort(50000)
            .addInterfaces("eth0").build();

    @TempDir
    Path dir;

    private final RecordingBackend backend = new RecordingBackend();

    @Test
    void servesBothServicesInPlaintextOnAnEphemeralPort() throws Exception {
        try (var server = SouthboundServer.start(settings(V6, Optional.empty(), Optional.empty()), backend, backend)) {
            assertTrue(server.port() > 0, "bound port " + server.port());
            assertEquals(V6, server.address().getAddress());
            ManagedChannel channel = channel(server, InsecureChannelCredentials.create());
            try {
                assertEquals("sender init port 50000 on [eth0]", sender(channel, null).init(INIT).getDescription());
                var start = StartStampReflectorSessionRequest.newBuilder().setSsid(3).build();
                assertEquals(StatusCode.STATUS_CODE_SESSION_RUNNING,
                        STAMPSessionReflectorServiceGrpc.newBlockingStub(channel).startStampSession(start).getStatus());
            } finally {
                channel.shutdownNow();
            }
        }
        assertEquals(2, backend.requests.size());
    }

    @Test
    void aTokenIsRequiredWhenConfigured() throws Exception {
        var settings = settings(V4, Optional.empty(), Optional.of(BearerToken.of("s3cret-token")));
        try (var server = SouthboundServer.start(settings, backend, backend)) {
            ManagedChannel channel = channel(server, InsecureChannelCredentials.create());
            try {
                assertUnauthenticated("bearer token missing", () -> sender(channel, null).init(INIT));
                assertUnauthenticated("bearer token missing", () -> sender(channel, "Basic czNjcmV0").init(INIT));
                assertUnauthenticated("bearer token wrong", () -> sender(channel, "Bearer s3cret-tokeN").init(INIT));
                assertUnauthenticated("bearer token wrong", () -> sender(channel, "Bearer s3cret").init(INIT));
                // every service is behind the token
                assertUnauthenticated("bearer token missing", () -> STAMPSessionReflectorServiceGrpc
                        .newBlockingStub(channel).startStampSession(StartStampReflectorSessionRequest
                                .getDefaultInstance()));
                assertEquals(0, backend.requests.size(), "a refused call reached the backend");

                assertEquals(StatusCode.STATUS_CODE_SUCCESS,
                        sender(channel, "Bearer s3cret-token").init(INIT).getStatus());
                assertEquals(1, backend.requests.size());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void servesTlsWithAToken() throws Exception {
        var cert = SelfSignedCertificate.create(dir);
        var tls = Optional.of(new SouthboundSettings.Tls(cert.certificate(), cert.privateKey()));
        var settings = settings(V4, tls, Optional.of(BearerToken.of("tls-token")));
        try (var server = SouthboundServer.start(settings, backend, backend)) {
            ManagedChannel trusting = channel(server, TlsChannelCredentials.newBuilder()
                    .trustManager(cert.certificate().toFile()).build());
            ManagedChannel plaintext = channel(server, InsecureChannelCredentials.create());
            ManagedChannel untrusting = channel(server, TlsChannelCredentials.create());
            try {
                assertEquals("sender init port 50000 on [eth0]",
                        sender(trusting, "Bearer tls-token").init(INIT).getDescription());
                assertUnauthenticated("bearer token wrong", () -> sender(trusting, "Bearer nope").init(INIT));
                // a plaintext client or one that does not trust the certificate gets no service
                assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class,
                        () -> sender(plaintext, "Bearer tls-token").init(INIT)).getStatus().getCode());
                assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class,
                        () -> sender(untrusting, "Bearer tls-token").init(INIT)).getStatus().getCode());
                assertEquals(1, backend.requests.size());
            } finally {
                trusting.shutdownNow();
                plaintext.shutdownNow();
                untrusting.shutdownNow();
            }
        }
    }

    @Test
    void anUnusableKeyFailsAtStartNamingTheFiles() throws Exception {
        var cert = SelfSignedCertificate.create(dir);
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "not a key\n");
        var settings = settings(V4, Optional.of(new SouthboundSettings.Tls(cert.certificate(), garbage)),
                Optional.empty());
        var e = assertThrows(IllegalArgumentException.class, () -> SouthboundServer.start(settings, backend, backend));
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
    }

    @Test
    void aPortInUseFailsAtStartNamingTheAddress() throws Exception {
        try (var first = SouthboundServer.start(settings(V4, Optional.empty(), Optional.empty()), backend, backend)) {
            var taken = new SouthboundSettings(V4, first.port(), Optional.empty(), Optional.empty());
            var e = assertThrows(IOException.class, () -> SouthboundServer.start(taken, backend, backend));
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()), e.getMessage());
        }
    }

    private static SouthboundSettings settings(InetAddress address, Optional<SouthboundSettings.Tls> tls,
            Optional<BearerToken> token) {
        return new SouthboundSettings(address, 0, tls, token);
    }

    private static ManagedChannel channel(SouthboundServer server, ChannelCredentials credentials) {
        var address = new InetSocketAddress(server.address().getAddress(), server.port());
        return NettyChannelBuilder.forAddress(address, credentials).build();
    }

    /** The sender stub, sending {@code authorization} as metadata unless it is null. */
    private static STAMPSessionSenderServiceGrpc.STAMPSessionSenderServiceBlockingStub sender(ManagedChannel channel,
            String authorization) {
        var stub = STAMPSessionSenderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        if (authorization == null) {
            return stub;
        }
        var headers = new Metadata();
        headers.put(BearerTokenInterceptor.AUTHORIZATION, authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static void assertUnauthenticated(String description, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.toString());
        assertTrue(e.getStatus().getDescription().startsWith(description), e.getStatus().getDescription());
    }
}
