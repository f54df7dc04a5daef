package io.stampd.grpc;

import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SESSION_NOT_FOUND;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SESSION_NOT_RUNNING;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SESSION_RUNNING;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SUCCESS;

import com.google.protobuf.Message;
import io.stampd.grpc.srv6pm.CreateStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.CreateStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.CreateStampSenderSessionReply;
import io.stampd.grpc.srv6pm.CreateStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.DestroyStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.DestroyStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.DestroyStampSenderSessionReply;
import io.stampd.grpc.srv6pm.DestroyStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.GetStampSessionResultsRequest;
import io.stampd.grpc.srv6pm.InitStampReflectorReply;
import io.stampd.grpc.srv6pm.InitStampReflectorRequest;
import io.stampd.grpc.srv6pm.InitStampSenderReply;
import io.stampd.grpc.srv6pm.InitStampSenderRequest;
import io.stampd.grpc.srv6pm.ResetStampReflectorReply;
import io.stampd.grpc.srv6pm.ResetStampReflectorRequest;
import io.stampd.grpc.srv6pm.ResetStampSenderReply;
import io.stampd.grpc.srv6pm.ResetStampSenderRequest;
import io.stampd.grpc.srv6pm.SessionReflectorMode;
import io.stampd.grpc.srv6pm.StampResults;
import io.stampd.grpc.srv6pm.StampResultsCountersReply;
import io.stampd.grpc.srv6pm.StampResultsCountersRequest;
import io.stampd.grpc.srv6pm.StampSessionResult;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.StartStampSenderSessionReply;
import io.stampd.grpc.srv6pm.StartStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.StopStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.StopStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.StopStampSenderSessionReply;
import io.stampd.grpc.srv6pm.StopStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.TimestampFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A test double of both backends: records every request it receives and answers with a reply built
 * from it (the ssid and port in the description, a distinct StatusCode per rpc), so a test sees that
 * both the request and the reply crossed the wire unchanged. Given a failure, every method throws it.
 */
final class RecordingBackend implements SenderBackend, ReflectorBackend {
    /** T1..T4 of the canned result record: Unix-epoch seconds with a microsecond part. */
    static final double T1 = 1_700_000_000.000001;
    static final double T2 = 1_700_000_000.250002;
    static final double T3 = 1_700_000_000.250003;
    static final double T4 = 1_700_000_000.500004;

    final List<Message> requests = new CopyOnWriteArrayList<>();
    private final Supplier<RuntimeException> failure;

    RecordingBackend() {
        this(null);
    }

    RecordingBackend(Supplier<RuntimeException> failure) {
        this.failure = failure;
    }

    private void record(Message request) {
        requests.add(request);
        if (failure != null) {
            throw failure.get();
        }
    }

    @Override
    public InitStampSenderReply init(InitStampSenderRequest r) {
        record(r);
        return InitStampSenderReply.newBuilder().setStatus(STATUS_CODE_SUCCESS)
                .setDescription("sender init port " + r.getSenderUdpPort() + " on " + r.getInterfacesList()).build();
    }

    @Override
    public ResetStampSenderReply reset(ResetStampSenderRequest r) {
        record(r);
        return ResetStampSenderReply.newBuilder().setStatus(STATUS_CODE_SUCCESS).setDescription("sender reset")
                .build();
    }

    @Override
    public CreateStampSenderSessionReply create(CreateStampSenderSessionRequest r) {
        record(r);
        var resolved = r.getStampParams().toBuilder().setReflectorUdpPort(862)
                .setTimestampFormat(TimestampFormat.TIMESTAMP_FORMAT_NTP);
        return CreateStampSenderSessionReply.newBuilder().setStatus(STATUS_CODE_SUCCESS)
                .setDescription("sender create ssid " + r.getSsid()).setStampParams(resolved).build();
    }

    @Override
    public StartStampSenderSessionReply start(StartStampSenderSessionRequest r) {
        record(r);
        return StartStampSenderSessionReply.newBuilder().setStatus(STATUS_CODE_SESSION_RUNNING)
                .setDescription("sender start ssid " + r.getSsid()).build();
    }

    @Override
    public StopStampSenderSessionReply stop(StopStampSenderSessionRequest r) {
        record(r);
        return StopStampSenderSessionReply.newBuilder().setStatus(STATUS_CODE_SESSION_NOT_RUNNING)
                .setDescription("sender stop ssid " + r.getSsid()).build();
    }

    @Override
    public StampResults results(GetStampSessionResultsRequest r) {
        record(r);
        return StampResults.newBuilder().setStatus(STATUS_CODE_SUCCESS)
                .setDescription("sender results ssid " + r.getSsid())
                .addResults(StampSessionResult.newBuilder().setSsid(r.getSsid()).setTestPktTxTimestamp(T1)
                        .setTestPktRxTimestamp(T2).setReplyPktTxTimestamp(T3).setReplyPktRxTimestamp(T4))
                .build();
    }

    @Override
    public DestroyStampSenderSessionReply destroy(DestroyStampSenderSessionRequest r) {
        record(r);
        return DestroyStampSenderSessionReply.newBuilder().setStatus(STATUS_CODE_SESSION_NOT_FOUND)
                .setDescription("sender destroy ssid " + r.getSsid()).build();
    }

    @Override
    public StampResultsCountersReply counter(StampResultsCountersRequest r) {
        record(r);
        return StampResultsCountersReply.newBuilder().setStatus(STATUS_CODE_SUCCESS).setNumResults(r.getSsid() + 1)
                .build();
    }

    @Override
    public InitStampReflectorReply init(InitStampReflectorRequest r) {
        record(r);
        return InitStampReflectorReply.newBuilder().setStatus(STATUS_CODE_SUCCESS)
                .setDescription("reflector init port " + r.getReflectorUdpPort() + " on " + r.getInterfacesList())
                .build();
    }

    @Override
    public ResetStampReflectorReply reset(ResetStampReflectorRequest r) {
        record(r);
        return ResetStampReflectorReply.newBuilder().setStatus(STATUS_CODE_SUCCESS).setDescription("reflector reset")
                .build();
    }

    @Override
    public CreateStampReflectorSessionReply create(CreateStampReflectorSessionRequest r) {
        record(r);
        var resolved = r.getStampParams().toBuilder()
                .setSessionReflectorMode(SessionReflectorMode.SESSION_REFLECTOR_MODE_STATELESS);
        return CreateStampReflectorSessionReply.newBuilder().setStatus(STATUS_CODE_SUCCESS)
                .setDescription("reflector create ssid " + r.getSsid()).setStampParams(resolved).build();
    }

    @Override
    public StartStampReflectorSessionReply start(StartStampReflectorSessionRequest r) {
        record(r);
        return StartStampReflectorSessionReply.newBuilder().setStatus(STATUS_CODE_SESSION_RUNNING)
                .setDescription("reflector start ssid " + r.getSsid()).build();
    }

    @Override
    public StopStampReflectorSessionReply stop(StopStampReflectorSessionRequest r) {
        record(r);
        return StopStampReflectorSessionReply.newBuilder().setStatus(STATUS_CODE_SESSION_NOT_RUNNING)
                .setDescription("reflector stop ssid " + r.getSsid()).build();
    }

    @Override
    public DestroyStampReflectorSessionReply destroy(DestroyStampReflectorSessionRequest r) {
        record(r);
        return DestroyStampReflectorSessionReply.newBuilder().setStatus(STATUS_CODE_SESSION_NOT_FOUND)
                .setDescription("reflector destroy ssid " + r.getSsid()).build();
    }
}
