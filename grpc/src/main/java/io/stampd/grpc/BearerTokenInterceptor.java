package io.stampd.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a call through only if its metadata carries {@code authorization: Bearer <token>} with the
 * configured token; else closes it with UNAUTHENTICATED before any service sees it. The
 * original nodes took any caller; a token keeps others on the network from resetting the node.
 */
final class BearerTokenInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final String SCHEME = "Bearer ";
    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenInterceptor.class);

    private final BearerToken token;

    BearerTokenInterceptor(BearerToken token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String problem = problem(headers.get(AUTHORIZATION));
        if (problem == null) {
            return next.startCall(call, headers);
        }
        LOG.warn("gRPC {} from {} refused: {}", call.getMethodDescriptor().getFullMethodName(),
                call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), problem);
        call.close(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    /** Why the authorization value is refused (never showing it), or null if it carries the token. */
    private String problem(String authorization) {
        if (authorization == null) {
            return "bearer token missing: send metadata 'authorization: Bearer <token>'";
        }
        if (!authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return "bearer token missing: the authorization metadata is not 'Bearer <token>'";
        }
        return token.matches(authorization.substring(SCHEME.length()).strip()) ? null : "bearer token wrong";
    }
}
