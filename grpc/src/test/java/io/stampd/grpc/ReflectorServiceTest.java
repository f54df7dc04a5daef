package io.stampd.grpc;

import static io.stampd.grpc.SenderServiceTest.assertInternalError;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SESSION_NOT_FOUND;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SESSION_NOT_RUNNING;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SESSION_RUNNING;
import static io.stampd.grpc.srv6pm.StatusCode.STATUS_CODE_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Message;
import io.stampd.grpc.srv6pm.AuthenticationMode;
import io.stampd.grpc.srv6pm.CreateStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.DestroyStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.InitStampReflectorRequest;
import io.stampd.grpc.srv6pm.ResetStampReflectorRequest;
import io.stampd.grpc.srv6pm.SRv6Path;
import io.stampd.grpc.srv6pm.STAMPSessionReflectorServiceGrpc.STAMPSessionReflectorServiceBlockingStub;
import io.stampd.grpc.srv6pm.SessionReflectorMode;
import io.stampd.grpc.srv6pm.StampReflectorParameters;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.StopStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.TimestampFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ReflectorService over an in-process transport: requests and replies pass through; failures are replies. */
class ReflectorServiceTest {
    static final CreateStampReflectorSessionRequest CREATE = CreateStampReflectorSessionRequest.newBuilder()
            .setSsid(7).setReturnSidlist(SRv6Path.newBuilder().addSegments("fd00:ff::2").addSegments("fd00:12::1"))
            .setStampParams(StampReflectorParameters.newBuilder().setReflectorUdpPort(862)
                    .setAuthMode(AuthenticationMode.AUTHENTICATION_MODE_UNAUTHENTICATED)
                    .setTimestampFormat(TimestampFormat.TIMESTAMP_FORMAT_PTPv2))
            .setStampSourceIpv6Address("fd00:23::3").build();

    @Test
    void requestsAndRepliesPassThrough() throws Exception {
        var backend = new RecordingBackend();
        try (var services = new InProcessServices(backend)) {
            STAMPSessionReflectorServiceBlockingStub reflector = services.reflector();
            var init = InitStampReflectorRequest.newBuilder().setReflectorUdpPort(862).addInterfaces("eth1")
                    .addInterfaces("eth2").setStampSourceIpv6Address("fd00:23::3").build();
            var initReply = reflector.init(init);
            assertEquals(STATUS_CODE_SUCCESS, initReply.getStatus());
            assertEquals("reflector init port 862 on [eth1, eth2]", initReply.getDescription());

            var reset = ResetStampReflectorRequest.getDefaultInstance();
            assertEquals("reflector reset", reflector.reset(reset).getDescription());

            var created = reflector.createStampSession(CREATE);
            assertEquals("reflector create ssid 7", created.getDescription());
            assertEquals(CREATE.getStampParams().toBuilder()
                    .setSessionReflectorMode(SessionReflectorMode.SESSION_REFLECTOR_MODE_STATELESS).build(),
                    created.getStampParams());

            var start = StartStampReflectorSessionRequest.newBuilder().setSsid(7).build();
            assertEquals(STATUS_CODE_SESSION_RUNNING, reflector.startStampSession(start).getStatus());
            var stop = StopStampReflectorSessionRequest.newBuilder().setSsid(7).build();
            assertEquals(STATUS_CODE_SESSION_NOT_RUNNING, reflector.stopStampSession(stop).getStatus());
            var destroy = DestroyStampReflectorSessionRequest.newBuilder().setSsid(7).build();
            var destroyed = reflector.destroyStampSession(destroy);
            assertEquals(STATUS_CODE_SESSION_NOT_FOUND, destroyed.getStatus());
            assertEquals("reflector destroy ssid 7", destroyed.getDescription());

            assertEquals(List.<Message>of(init, reset, CREATE, start, stop, destroy), backend.requests);
        }
    }

    @Test
    void aBackendExceptionIsAnInternalErrorReplyNotAGrpcError() throws Exception {
        var backend = new RecordingBackend(() -> new UnsupportedOperationException());
        try (var services = new InProcessServices(backend)) {
            STAMPSessionReflectorServiceBlockingStub reflector = services.reflector();
            List<Message> replies = List.of(
                    reflector.init(InitStampReflectorRequest.getDefaultInstance()),
                    reflector.reset(ResetStampReflectorRequest.getDefaultInstance()),
                    reflector.createStampSession(CREATE),
                    reflector.startStampSession(StartStampReflectorSessionRequest.getDefaultInstance()),
                    reflector.stopStampSession(StopStampReflectorSessionRequest.getDefaultInstance()),
                    reflector.destroyStampSession(DestroyStampReflectorSessionRequest.getDefaultInstance()));
            List<String> rpcs = List.of("Init", "Reset", "CreateStampSession", "StartStampSession",
                    "StopStampSession", "DestroyStampSession");
            for (int i = 0; i < replies.size(); i++) {
                // an exception without a message is named by its class
                assertInternalError(replies.get(i), "internal error in " + rpcs.get(i)
                        + ": UnsupportedOperationException");
            }
            assertEquals(6, backend.requests.size());
        }
    }
}
