package io.stampd.netconf.engine;

import io.stampd.nacm.Nacm;
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
import org.w3c.dom.Element;
import org.w3c.dom.Node;

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

    /** A subscription and whose it is (the user of the session that ran create-subscription, if known). */
    private record Subscription(NetconfNotificationListener listener, Nacm.Subscriber subscriber) {
    }

    private final CopyOnWriteArrayList<Subscription> listeners = new CopyOnWriteArrayList<>();
    /** Notification access (RFC 8341, 3.4.6); null until the engine is attached. */
    private volatile Nacm nacm;

    /** From now on each notification goes only to the subscribers whose users may receive it. */
    void restrictWith(Nacm access) {
        this.nacm = access;
    }

    @Override
    public Registration registerNotificationListener(StreamNameType stream, NetconfNotificationListener listener) {
        if (!NETCONF.equals(stream)) {
            return () -> { }; // a stream nobody publishes to: the subscription stays silent
        }
        // create-subscription registers while NacmOperations runs it for its session's user
        Subscription s = new Subscription(listener, Nacm.currentSubscriber().orElse(null));
        listeners.add(s);
        return () -> listeners.remove(s);
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
        Nacm access = nacm;
        Element notification = access == null ? null : content(message);
        for (Subscription s : listeners) {
            if (notification != null && s.subscriber() != null && !access.mayReceive(s.subscriber(),
                    notification.getNamespaceURI(), notification.getLocalName())) {
                continue;
            }
            s.listener().onNotification(NETCONF, message);
        }
    }

    /** The notification's own element (the child of {@code <notification>} that is not eventTime). */
    private static Element content(NotificationMessage message) {
        for (Node n = message.getDocument().getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && !"eventTime".equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    int subscribers() {
        return listeners.size();
    }
}
