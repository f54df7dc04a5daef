package io.stampd.grpc;

import io.stampd.grpc.srv6pm.CreateStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.CreateStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.DestroyStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.DestroyStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.InitStampReflectorReply;
import io.stampd.grpc.srv6pm.InitStampReflectorRequest;
import io.stampd.grpc.srv6pm.ResetStampReflectorReply;
import io.stampd.grpc.srv6pm.ResetStampReflectorRequest;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.StopStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.StopStampReflectorSessionRequest;

/**
 * What the Session-Reflector rpcs of the southbound API do: one method per rpc of
 * {@code srv6pm.STAMPSessionReflectorService}, called by {@link ReflectorService}. The agent
 * implements it over its configuration store and engine.
 *
 * <p>Every method returns the reply to send, with a {@link io.stampd.grpc.srv6pm.StatusCode} for any
 * outcome the controller must see. A method may be called concurrently from several gRPC threads. A
 * RuntimeException it throws, or a null it returns, is answered with
 * {@code STATUS_CODE_INTERNAL_ERROR} by the service, never as a gRPC error.
 */
public interface ReflectorBackend {
    /** Init: prepares the node to reflect (UDP port, interfaces, source address). */
    InitStampReflectorReply init(InitStampReflectorRequest request);

    /** Reset: destroys every reflector session and undoes Init. */
    ResetStampReflectorReply reset(ResetStampReflectorRequest request);

    /** CreateStampSession: a session that is not yet answering; the reply holds its resolved parameters. */
    CreateStampReflectorSessionReply create(CreateStampReflectorSessionRequest request);

    /** StartStampSession. */
    StartStampReflectorSessionReply start(StartStampReflectorSessionRequest request);

    /** StopStampSession. */
    StopStampReflectorSessionReply stop(StopStampReflectorSessionRequest request);

    /** DestroyStampSession. */
    DestroyStampReflectorSessionReply destroy(DestroyStampReflectorSessionRequest request);
}
