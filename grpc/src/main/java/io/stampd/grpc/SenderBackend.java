package io.stampd.grpc;

import io.stampd.grpc.srv6pm.CreateStampSenderSessionReply;
import io.stampd.grpc.srv6pm.CreateStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.DestroyStampSenderSessionReply;
import io.stampd.grpc.srv6pm.DestroyStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.GetStampSessionResultsRequest;
import io.stampd.grpc.srv6pm.InitStampSenderReply;
import io.stampd.grpc.srv6pm.InitStampSenderRequest;
import io.stampd.grpc.srv6pm.ResetStampSenderReply;
import io.stampd.grpc.srv6pm.ResetStampSenderRequest;
import io.stampd.grpc.srv6pm.StampResults;
import io.stampd.grpc.srv6pm.StampResultsCountersReply;
import io.stampd.grpc.srv6pm.StampResultsCountersRequest;
import io.stampd.grpc.srv6pm.StartStampSenderSessionReply;
import io.stampd.grpc.srv6pm.StartStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.StopStampSenderSessionReply;
import io.stampd.grpc.srv6pm.StopStampSenderSessionRequest;

/**
 * What the Session-Sender rpcs of the southbound API do: one method per rpc of
 * {@code srv6pm.STAMPSessionSenderService}, called by {@link SenderService}. The agent implements it
 * over its configuration store and engine; this module only carries the wire format, so it stays free
 * of the agent's internals.
 *
 * <p>Every method returns the reply to send, with a {@link io.stampd.grpc.srv6pm.StatusCode} for any
 * outcome the controller must see (session not found, invalid argument, ...). A method may be called
 * concurrently from several gRPC threads. A RuntimeException it throws, or a null it returns, is
 * answered with {@code STATUS_CODE_INTERNAL_ERROR} by the service, never as a gRPC error.
 */
public interface SenderBackend {
    /** Init: prepares the node to send (UDP port, interfaces, source address). */
    InitStampSenderReply init(InitStampSenderRequest request);

    /** Reset: destroys every sender session and undoes Init. */
    ResetStampSenderReply reset(ResetStampSenderRequest request);

    /** CreateStampSession: a session that is not yet sending; the reply holds its resolved parameters. */
    CreateStampSenderSessionReply create(CreateStampSenderSessionRequest request);

    /** StartStampSession. */
    StartStampSenderSessionReply start(StartStampSenderSessionRequest request);

    /** StopStampSession: the records collected so far stay fetchable. */
    StopStampSenderSessionReply stop(StopStampSenderSessionRequest request);

    /** GetStampSessionResults: the records collected since the previous call, removed from the node. */
    StampResults results(GetStampSessionResultsRequest request);

    /** DestroyStampSession. */
    DestroyStampSenderSessionReply destroy(DestroyStampSenderSessionRequest request);

    /** GetResultsCounter: how many records {@link #results} would return now. */
    StampResultsCountersReply counter(StampResultsCountersRequest request);
}
