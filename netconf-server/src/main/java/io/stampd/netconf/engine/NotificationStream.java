package io.stampd.netconf.engine;

import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.opendaylight.netconf.api.messages.NotificationMessage;
import org.opendaylight.netconf.server.api.notifications.NetconfNotificationListener;
import org.opendaylight.netconf.server.api.notifications.NetconfNotificationRegistry;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.notification._1._0.rev080714.StreamNameType;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netmod.notification.rev080714.netconf.Streams;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netmod.notification.rev080714.netconf.StreamsBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netmod.notification.rev080714.netconf.streams.Stream;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netmod.notification.rev080714.netconf.streams.StreamBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netmod.notification.rev080714.netconf.streams.StreamKey;
import org.opendaylight.yangtools.concepts.Registration;

/**
 * The RFC 5277 default event stream NETCONF, where the engine's notifications go, as the registry
 * that OpenDaylight's create-subscription operation subscribes to. OpenDaylight's own
 * NetconfNotificationManager would do the same but needs the binding code generator at run time
 * (and its model parsing at start-up) only to publish its built-in notifications, which stampd
 * does not use.
 */
final class NotificationStream implements NetconfNotificationRegistry {
    static final StreamNameType NETCONF = new StreamNameType("NETCONF");
    private static final Stream NETCONF_STREAM = new StreamBuilder()
            .setName(NETCONF)
            .withKey(new StreamKey(NETCONF))
            .setReplaySupport(false)
            .setDescription("stampd session state changes and threshold crossings")
            .build();

    private final CopyOnWriteArrayList<NetconfNotificationListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public Registration registerNotificationListener(StreamNameType stream, NetconfNotificationListener listener) {
        if (!NETCONF.equals(stream)) {
            return () -> { }; // a stream nobody publishes to: the subscription stays silent
        }
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public boolean isStreamAvailable(StreamNameType stream) {
        return NETCONF.equals(stream);
    }

    @Override
    public Streams getNotificationPublishers() {
        return new StreamsBuilder().setStream(Map.of(NETCONF_STREAM.key(), NETCONF_STREAM)).build();
    }

    /** Sends a notification to every subscribed session (queued on their channels, not waited for). */
    void publish(NotificationMessage message) {
        for (NetconfNotificationListener l : listeners) {
            l.onNotification(NETCONF, message);
        }
    }

    int subscribers() {
        return listeners.size();
    }
}
