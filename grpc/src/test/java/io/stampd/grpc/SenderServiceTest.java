package io.stampd.grpc;

import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_INTERNAL_ERROR;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SESSION_NOT_FOUND;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SESSION_NOT_RUNNING;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SESSION_RUNNING;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Message;
import io.stampd.grpc.srv6pm.AuthenticationMode;
import io.stampd.grpc.srv6pm.CreateStampSenderSessionReply;
import io.stampd.grpc.srv6pm.CreateStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.DelayMeasurementMode;
import io.stampd.grpc.srv6pm.DestroyStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.GetStampSessionResultsRequest;
import io.stampd.grpc.srv6pm.InitStampSenderRequest;
import io.stampd.grpc.srv6pm.PacketLossType;
import io.stampd.grpc.srv6pm.ResetStampSenderRequest;
import io.stampd.grpc.srv6pm.SRv6Path;
import io.stampd.grpc.srv6pm.STAMPSessionSenderServiceGrpc.STAMPSessionSenderServiceBlockingStub;
import io.stampd.grpc.srv6pm.StampResults;
import io.stampd.grpc.srv6pm.StampResultsCountersRequest;
import io.stampd.grpc.srv6pm.StampSenderParameters;
import io.stampd.grpc.srv6pm.StartStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.StopStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.TimestampFormat;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SenderService over an in-process transport: requests and replies pass through; failures are replies. */
class SenderServiceTest {
    static final CreateStampSenderSessionRequest CREATE = CreateStampSenderSessionRequest.newBuilder().setSsid(7)
            .setSidlist(SRv6Path.newBuilder().addSegments("fd00:ff::2").addSegments("fd00:23::3"))
            .setInterval(2)
            .setStampParams(StampSenderParameters.newBuilder().setReflectorIp("fd00:23::3")
                    .setAuthMode(AuthenticationMode.AUTHENTICATION_MODE_UNAUTHENTICATED)
                    .setPacketLossType(PacketLossType.PACKET_LOSS_TYPE_ROUND_TRIP)
                    .setDelayMeasurementMode(DelayMeasurementMode.DELAY_MEASUREMENT_MODE_TWO_WAY))
            .setStampSourceIpv6Address("fd00:12::1").build();

    @Test
    void requestsAndRepliesPassThrough() throws Exception {
        var backend = new RecordingBackend();
        try (var services = new InProcessServices(backend)) {
            STAMPSessionSenderServiceBlockingStub sender = services.sender();
            var init = InitStampSenderRequest.newBuilder().setSenderUdpPort(50000).addInterfaces("eth0")
                    .setStampSourceIpv6Address("fd00:12::1").build();
            var initReply = sender.init(init);
            assertEquals(STATUS_CODE_SUCCESS, initReply.getStatus());
            assertEquals("sender init port 50000 on [eth0]", initReply.getDescription());

            assertEquals("sender reset", sender.reset(ResetStampSenderRequest.getDefaultInstance()).getDescription());

            CreateStampSenderSessionReply created = sender.createStampSession(CREATE);
            assertEquals(STATUS_CODE_SUCCESS, created.getStatus());
            assertEquals(CREATE.getStampParams().toBuilder().setReflectorUdpPort(862)
                    .setTimestampFormat(TimestampFormat.TIMESTAMP_FORMAT_NTP).build(), created.getStampParams());

            var start = StartStampSenderSessionRequest.newBuilder().setSsid(7).build();
            assertEquals(STATUS_CODE_SESSION_RUNNING, sender.startStampSession(start).getStatus());
            var stop = StopStampSenderSessionRequest.newBuilder().setSsid(7).build();
            assertEquals(STATUS_CODE_SESSION_NOT_RUNNING, sender.stopStampSession(stop).getStatus());

            var get = GetStampSessionResultsRequest.newBuilder().setSsid(7).build();
            StampResults results = sender.getStampSessionResults(get);
            assertEquals(1, results.getResultsCount());
            var record = results.getResults(0);
            assertEquals(7, record.getSsid());
            // doubles travel bit for bit: microseconds of an epoch-seconds value survive
            assertEquals(RecordingBackend.T1, record.getTestPktTxTimestamp());
            assertEquals(RecordingBackend.T2, record.getTestPktRxTimestamp());
            assertEquals(RecordingBackend.T3, record.getReplyPktTxTimestamp());
            assertEquals(RecordingBackend.T4, record.getReplyPktRxTimestamp());

            var destroy = DestroyStampSenderSessionRequest.newBuilder().setSsid(7).build();
            assertEquals(STATUS_CODE_SESSION_NOT_FOUND, sender.destroyStampSession(destroy).getStatus());

            var counter = StampResultsCountersRequest.newBuilder().setSsid(7).build();
            assertEquals(8, sender.getResultsCounter(counter).getNumResults());

            List<Message> sent = List.of(init, ResetStampSenderRequest.getDefaultInstance(), CREATE, start, stop, get,
                    destroy, counter);
            assertEquals(sent, backend.requests);
        }
    }

    @Test
    void aBackendExceptionIsAnInternalErrorReplyNotAGrpcError() throws Exception {
        var backend = new RecordingBackend(() -> new IllegalStateException("engine stopped"));
        try (var services = new InProcessServices(backend)) {
            STAMPSessionSenderServiceBlockingStub sender = services.sender();
            List<Message> replies = List.of(
                    sender.init(InitStampSenderRequest.getDefaultInstance()),
                    sender.reset(ResetStampSenderRequest.getDefaultInstance()),
                    sender.createStampSession(CREATE),
                    sender.startStampSession(StartStampSenderSessionRequest.getDefaultInstance()),
                    sender.stopStampSession(StopStampSenderSessionRequest.getDefaultInstance()),
                    sender.getStampSessionResults(GetStampSessionResultsRequest.getDefaultInstance()),
                    sender.destroyStampSession(DestroyStampSenderSessionRequest.getDefaultInstance()));
            List<String> rpcs = List.of("Init", "Reset", "CreateStampSession", "StartStampSession",
                    "StopStampSession", "GetStampSessionResults", "DestroyStampSession");
            for (int i = 0; i < replies.size(); i++) {
                assertInternalError(replies.get(i), "internal error in " + rpcs.get(i)
                        + ": IllegalStateException: engine stopped");
            }
            // StampResultsCountersReply has no description in the reference API
            var counter = sender.getResultsCounter(StampResultsCountersRequest.getDefaultInstance());
            assertEquals(STATUS_CODE_INTERNAL_ERROR, counter.getStatus());
            assertEquals(0, counter.getNumResults());
            assertEquals(8, backend.requests.size());
        }
    }

    @Test
    void aNullReplyIsAnInternalError() throws Exception {
        SenderBackend nulls = (SenderBackend) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SenderBackend.class}, (proxy, method, args) -> null);
        try (var services = new InProcessServices(nulls, new RecordingBackend())) {
            var reply = services.sender().startStampSession(StartStampSenderSessionRequest.newBuilder().setSsid(1)
                    .build());
            assertInternalError(reply, "internal error in StartStampSession: no reply");
        }
    }

    static void assertInternalError(Message reply, String description) {
        var fields = reply.getDescriptorForType();
        assertEquals(STATUS_CODE_INTERNAL_ERROR.getValueDescriptor(),
                reply.getField(fields.findFieldByName("status")), reply.toString());
        assertEquals(description, reply.getField(fields.findFieldByName("description")));
    }
}
