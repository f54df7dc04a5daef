package io.stampd.netconf.southbound;

import io.stampd.grpc.SouthboundServer;
import io.stampd.grpc.SouthboundSettings;
import io.stampd.netconf.AgentConfig;
import io.stampd.netconf.NetconfAgent;
import io.stampd.store.LockOwner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Starts the gRPC southbound when the agent's configuration file sets {@code grpc.port}: the
 * original API's two services, over the same configuration store as NETCONF.
 */
public final class GrpcSouthbound {
    /** How the store names the southbound as a lock holder and change owner. */
    public static final LockOwner OWNER = LockOwner.of("grpc", 0, "the gRPC southbound");

    private GrpcSouthbound() {
    }

    /** The gRPC settings of the configuration file; empty if gRPC is off. */
    public static Optional<SouthboundSettings> settings(Path configFile) throws AgentConfig.ConfigException {
        Properties p = AgentConfig.readProperties(configFile);
        try {
            return SouthboundSettings.fromProperties(p, configFile.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new AgentConfig.ConfigException(configFile + ": " + e.getMessage());
        }
    }

    /** Serves the southbound over {@code agent}'s store, taking records from {@code records}. */
    public static SouthboundServer start(SouthboundSettings settings, NetconfAgent agent, RecordSource records)
            throws AgentConfig.ConfigException {
        var sender = new SenderSouthbound(agent.store(), agent.model(), records, OWNER);
        var reflector = new ReflectorSouthbound(agent.store(), agent.model(), OWNER);
        try {
            return SouthboundServer.start(settings, sender, reflector);
        } catch (IOException | RuntimeException e) {
            throw new AgentConfig.ConfigException("cannot serve gRPC on [" + settings.listenAddress().getHostAddress()
                    + "]:" + settings.port() + ": " + e.getMessage());
        }
    }
}
