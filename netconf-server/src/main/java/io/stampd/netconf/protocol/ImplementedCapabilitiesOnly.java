package io.stampd.netconf.protocol;

import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.opendaylight.netconf.api.CapabilityURN;
import org.opendaylight.netconf.server.api.monitoring.NetconfMonitoringService;
import org.opendaylight.netconf.server.api.monitoring.SessionListener;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Uri;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.netconf.monitoring.rev101004.netconf.state.Capabilities;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.netconf.monitoring.rev101004.netconf.state.CapabilitiesBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.netconf.monitoring.rev101004.netconf.state.Schemas;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.netconf.monitoring.rev101004.netconf.state.Sessions;
import org.opendaylight.yangtools.concepts.Registration;

/**
 * OpenDaylight's monitoring service as the hello and /netconf-state show it, without the
 * capabilities OpenDaylight adds on its own that stampd's operations do not implement: it always
 * advertises {@code :url:1.0?scheme=file}, which {@link ProtocolOperation}s refuse. With a YANG
 * library, each module capability also carries the features the server supports and the modules
 * that deviate it (RFC 6020, 5.6.4), which OpenDaylight leaves out.
 */
public final class ImplementedCapabilitiesOnly implements NetconfMonitoringService {
    private final NetconfMonitoringService delegate;
    private final UnaryOperator<String> modules;

    public ImplementedCapabilitiesOnly(NetconfMonitoringService delegate) {
        this(delegate, null);
    }

    public ImplementedCapabilitiesOnly(NetconfMonitoringService delegate, YangLibrary library) {
        this.delegate = delegate;
        this.modules = library == null ? UnaryOperator.identity() : library::moduleCapability;
    }

    private static boolean implemented(Uri capability) {
        return !capability.getValue().startsWith(CapabilityURN.URL);
    }

    private Capabilities implementedOf(Capabilities all) {
        Set<Uri> uris = all.getCapability() == null ? Set.of()
                : all.getCapability().stream().filter(ImplementedCapabilitiesOnly::implemented)
                        .map(u -> new Uri(modules.apply(u.getValue()))).collect(Collectors.toUnmodifiableSet());
        return new CapabilitiesBuilder().setCapability(uris).build();
    }

    @Override
    public Capabilities getCapabilities() {
        return implementedOf(delegate.getCapabilities());
    }

    @Override
    public Registration registerCapabilitiesListener(CapabilitiesListener listener) {
        return delegate.registerCapabilitiesListener(new CapabilitiesListener() {
            @Override
            public void onCapabilitiesChanged(Capabilities capabilities) {
                listener.onCapabilitiesChanged(implementedOf(capabilities));
            }

            @Override
            public void onSchemasChanged(Schemas schemas) {
                listener.onSchemasChanged(schemas);
            }
        });
    }

    @Override
    public Sessions getSessions() {
        return delegate.getSessions();
    }

    @Override
    public SessionListener getSessionListener() {
        return delegate.getSessionListener();
    }

    @Override
    public Schemas getSchemas() {
        return delegate.getSchemas();
    }

    @Override
    public String getSchemaForCapability(String moduleName, Optional<String> revision) {
        return delegate.getSchemaForCapability(moduleName, revision);
    }

    @Override
    public Registration registerSessionsListener(SessionsListener listener) {
        return delegate.registerSessionsListener(listener);
    }
}
