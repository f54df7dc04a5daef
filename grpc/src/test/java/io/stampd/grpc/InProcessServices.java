package io.stampd.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.stampd.grpc.srv6pm.STAMPSessionReflectorServiceGrpc;
import io.stampd.grpc.srv6pm.STAMPSessionSenderServiceGrpc;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Both services over their backends on an in-process gRPC transport: the real call path (marshalling,
 * service dispatch, status) without sockets, for the services' unit tests.
 */
final class InProcessServices implements AutoCloseable {
    private final Server server;
    private final ManagedChannel channel;

    InProcessServices(RecordingBackend backend) throws IOException {
        this(backend, backend);
    }

    InProcessServices(SenderBackend sender, ReflectorBackend reflector) throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new SenderService(sender)).addService(new ReflectorService(reflector)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    STAMPSessionSenderServiceGrpc.STAMPSessionSenderServiceBlockingStub sender() {
        return STAMPSessionSenderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    STAMPSessionReflectorServiceGrpc.STAMPSessionReflectorServiceBlockingStub reflector() {
        return STAMPSessionReflectorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
