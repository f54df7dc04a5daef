package io.stampd.grpc;

import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_INTERNAL_ERROR;

import io.grpc.stub.StreamObserver;
import io.stampd.grpc.srv6pm.CreateStampSenderSessionReply;
import io.stampd.grpc.srv6pm.CreateStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.DestroyStampSenderSessionReply;
import io.stampd.grpc.srv6pm.DestroyStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.GetStampSessionResultsRequest;
import io.stampd.grpc.srv6pm.InitStampSenderReply;
import io.stampd.grpc.srv6pm.InitStampSenderRequest;
import io.stampd.grpc.srv6pm.ResetStampSenderReply;
import io.stampd.grpc.srv6pm.ResetStampSenderRequest;
import io.stampd.grpc.srv6pm.STAMPSessionSenderServiceGrpc;
import io.stampd.grpc.srv6pm.StampResults;
import io.stampd.grpc.srv6pm.StampResultsCountersReply;
import io.stampd.grpc.srv6pm.StampResultsCountersRequest;
import io.stampd.grpc.srv6pm.StartStampSenderSessionReply;
import io.stampd.grpc.srv6pm.StartStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.StopStampSenderSessionReply;
import io.stampd.grpc.srv6pm.StopStampSenderSessionRequest;
import java.util.Objects;

/**
 * {@code srv6pm.STAMPSessionSenderService} over a {@link SenderBackend}: each rpc hands its request
 * to the backend and sends back the backend's reply; a backend failure is answered with
 * {@code STATUS_CODE_INTERNAL_ERROR} (see {@link BackendCall}).
 */
public final class SenderService extends STAMPSessionSenderServiceGrpc.STAMPSessionSenderServiceImplBase {
    private final SenderBackend backend;

    public SenderService(SenderBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    @Override
    public void init(InitStampSenderRequest request, StreamObserver<InitStampSenderReply> out) {
        BackendCall.answer(STAMPSessionSenderServiceGrpc.getInitMethod(), request, backend::init,
                d -> InitStampSenderReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR).setDescription(d).build(),
                out);
    }

    @Override
    public void reset(ResetStampSenderRequest request, StreamObserver<ResetStampSenderReply> out) {
        BackendCall.answer(STAMPSessionSenderServiceGrpc.getResetMethod(), request, backend::reset,
                d -> ResetStampSenderReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR).setDescription(d).build(),
                out);
    }

    @Override
    public void createStampSession(CreateStampSenderSessionRequest request,
            StreamObserver<CreateStampSenderSessionReply> out) {
        BackendCall.answer(STAMPSessionSenderServiceGrpc.getCreateStampSessionMethod(), request, backend::create,
                d -> CreateStampSenderSessionReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR)
                        .setDescription(d).build(),
                out);
    }

    @Override
    public void startStampSession(StartStampSenderSessionRequest request,
            StreamObserver<StartStampSenderSessionReply> out) {
        BackendCall.answer(STAMPSessionSenderServiceGrpc.getStartStampSessionMethod(), request, backend::start,
                d -> StartStampSenderSessionReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR)
                        .setDescription(d).build(),
                out);
    }

    @Override
    public void stopStampSession(StopStampSenderSessionRequest request,
            StreamObserver<StopStampSenderSessionReply> out) {
        BackendCall.answer(STAMPSessionSenderServiceGrpc.getStopStampSessionMethod(), request, backend::stop,
                d -> StopStampSenderSessionReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR)
                        .setDescription(d).build(),
                out);
    }

    @Override
    public void getStampSessionResults(GetStampSessionResultsRequest request, StreamObserver<StampResults> out) {
        BackendCall.answer(STAMPSessionSenderServiceGrpc.getGetStampSessionResultsMethod(), request,
                backend::results,
                d -> StampResults.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR).setDescription(d).build(),
                out);
    }

    @Override
    public void destroyStampSession(DestroyStampSenderSessionRequest request,
            StreamObserver<DestroyStampSenderSessionReply> out) {
        BackendCall.answer(STAMPSessionSenderServiceGrpc.getDestroyStampSessionMethod(), request, backend::destroy,
                d -> DestroyStampSenderSessionReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR)
                        .setDescription(d).build(),
                out);
    }

    /** The reply has no description field in the reference API: the failure is only in the log. */
    @Override
    public void getResultsCounter(StampResultsCountersRequest request,
            StreamObserver<StampResultsCountersReply> out) {
        BackendCall.answer(STAMPSessionSenderServiceGrpc.getGetResultsCounterMethod(), request, backend::counter,
                d -> StampResultsCountersReply.newBuilder().setStatus(STATUS_CODE_INTERNAL_ERROR).build(),
                out);
    }
}
