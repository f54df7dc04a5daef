package io.stampd.grpc;

import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_INTERNAL_ERROR;

import io.grpc.stub.StreamObserver;
import io.stampd.grpc.srv6pm.CreateStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.CreateStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.DestroyStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.DestroyStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.InitStampReflectorReply;
import io.stampd.grpc.srv6pm.InitStampReflectorRequest;
import io.stampd.grpc.srv6pm.ResetStampReflectorReply;
import io.stampd.grpc.srv6pm.ResetStampReflectorRequest;
import io.stampd.grpc.srv6pm.STAMPSessionReflectorServiceGrpc;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.StopStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.StopStampReflectorSessionRequest;
import java.util.Objects;

/**
 * {@code srv6pm.STAMPSessionReflectorService} over a {@link ReflectorBackend}: each rpc hands its
 * request to the backend and sends back the backend's reply; a backend failure is answered with
 * {@code STATUS_CODE_INTERNAL_ERROR} (see {@link BackendCall}).
 */
public final class ReflectorService extends STAMPSessionReflectorServiceGrpc.STAMPSessionReflectorServiceImplBase {
    private final ReflectorBackend backend;

    public ReflectorService(ReflectorBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    @Override
    public void init(InitStampReflectorRequest request, StreamObserver<InitStampReflectorReply> out) {
        BackendCall.answer(STAMPSessionReflectorServiceGrpc.getInitMethod(), request, backend::init,
                d -> InitStampReflectorReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR).setDescription(d)
                        .build(),
                out);
    }

    @Override
    public void reset(ResetStampReflectorRequest request, StreamObserver<ResetStampReflectorReply> out) {
        BackendCall.answer(STAMPSessionReflectorServiceGrpc.getResetMethod(), request, backend::reset,
                d -> ResetStampReflectorReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR).setDescription(d)
                        .build(),
                out);
    }

    @Override
    public void createStampSession(CreateStampReflectorSessionRequest request,
            StreamObserver<CreateStampReflectorSessionReply> out) {
        BackendCall.answer(STAMPSessionReflectorServiceGrpc.getCreateStampSessionMethod(), request, backend::create,
                d -> CreateStampReflectorSessionReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR)
                        .setDescription(d).build(),
                out);
    }

    @Override
    public void startStampSession(StartStampReflectorSessionRequest request,
            StreamObserver<StartStampReflectorSessionReply> out) {
        BackendCall.answer(STAMPSessionReflectorServiceGrpc.getStartStampSessionMethod(), request, backend::start,
                d -> StartStampReflectorSessionReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR)
                        .setDescription(d).build(),
                out);
    }

    @Override
    public void stopStampSession(StopStampReflectorSessionRequest request,
            StreamObserver<StopStampReflectorSessionReply> out) {
        BackendCall.answer(STAMPSessionReflectorServiceGrpc.getStopStampSessionMethod(), request, backend::stop,
                d -> StopStampReflectorSessionReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR)
                        .setDescription(d).build(),
                out);
    }

    @Override
    public void destroyStampSession(DestroyStampReflectorSessionRequest request,
            StreamObserver<DestroyStampReflectorSessionReply> out) {
        BackendCall.answer(STAMPSessionReflectorServiceGrpc.getDestroyStampSessionMethod(), request,
                backend::destroy,
                d -> DestroyStampReflectorSessionReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR)
                        .setDescription(d).build(),
                out);
    }
}
