package io.stampd.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one rpc on a backend and sends its reply. A backend failure becomes a normal reply with
 * {@code STATUS_CODE_INTERNAL_ERROR}: the original nodes let such errors surface as gRPC UNKNOWN,
 * which the controller cannot tell apart from a broken connection.
 */
final class BackendCall {
    private static final Logger LOG = LoggerFactory.getLogger(BackendCall.class);

    private BackendCall() {
    }

    /**
     * Replies to {@code request} with what {@code backend} returns; if it throws or returns null, with
     * {@code internalError} applied to a description of the failure (logged at WARN with its stack).
     */
    static <Q, R> void answer(MethodDescriptor<Q, R> rpc, Q request, Function<Q, R> backend,
            Function<String, R> internalError, StreamObserver<R> observer) {
        R reply;
        try {
            reply = backend.apply(request);
            if (reply == null) {
                LOG.warn("gRPC {}: the backend returned no reply", rpc.getFullMethodName());
                reply = internalError.apply("internal error in " + rpc.getBareMethodName() + ": no reply");
            }
        } catch (Exception e) { // also a checked exception thrown sneakily: nothing may become UNKNOWN
            LOG.warn("gRPC {} failed in the backend", rpc.getFullMethodName(), e);
            reply = internalError.apply("internal error in " + rpc.getBareMethodName() + ": " + describe(e));
        }
        observer.onNext(reply);
        observer.onCompleted();
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
