package io.stampd.netconf.engine;

import static io.stampd.netconf.engine.StampNames.id;
import static io.stampd.netconf.engine.StateTree.leaf;

import java.math.RoundingMode;
import java.time.Instant;
import org.opendaylight.yangtools.yang.common.Decimal64;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.Uint64;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's events as stampd-stamp.yang's notifications (session-state-change,
 * threshold-crossed, threshold-cleared) on the NETCONF stream. Every event is also logged.
 */
final class EngineNotifications implements SessionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(EngineNotifications.class);

    private final NotificationStream stream;
    /** Set once the YANG models are parsed; until then (no client can have subscribed yet) events are only logged. */
    private volatile NotificationXml xml;

    EngineNotifications(NotificationStream stream) {
        this.stream = stream;
    }

    void serialiseWith(NotificationXml value) {
        xml = value;
    }

    @Override
    public void stateChanged(Role role, long sessionId, SessionState previous, SessionState next, String reason) {
        LOG.info("{} session {}: {} -> {}{}", role.yangName, sessionId,
                previous == null ? "(new)" : previous.yangName, next.yangName,
                reason == null ? "" : " (" + reason + ")");
        var n = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("session-state-change"))
                .withChild(leaf("role", role.yangName))
                .withChild(leaf("session-id", Uint32.valueOf(sessionId)));
        if (previous != null) {
            n.withChild(leaf("previous-state", previous.yangName));
        }
        n.withChild(leaf("new-state", next.yangName));
        if (reason != null) {
            n.withChild(leaf("reason", reason));
        }
        publish(n.build());
    }

    @Override
    public void thresholdCrossed(ThresholdEvent event) {
        LOG.info("sender session {}: {} crossed {}", event.sessionId(), event.metric(), describe(event));
        publish(threshold("threshold-crossed", event));
    }

    @Override
    public void thresholdCleared(ThresholdEvent event) {
        LOG.info("sender session {}: {} cleared {}", event.sessionId(), event.metric(), describe(event));
        publish(threshold("threshold-cleared", event));
    }

    private static String describe(ThresholdEvent e) {
        return e.isLoss() ? "(loss " + e.lossPercent() + " %, bound " + e.lossBoundPercent() + " %)"
                : "(" + e.statistic().yangName + " " + e.delayNanos() + " ns, bound " + e.delayBoundNanos() + " ns)";
    }

    private static ContainerNode threshold(String name, ThresholdEvent e) {
        var measurement = ImmutableNodes.newChoiceBuilder().withNodeIdentifier(id("measurement"));
        if (e.isLoss()) {
            measurement.withChild(leaf("loss-ratio",
                            Decimal64.valueOf(e.lossPercent().setScale(5, RoundingMode.HALF_UP))))
                    .withChild(leaf("loss-bound", Decimal64.valueOf(e.lossBoundPercent().setScale(5,
                            RoundingMode.HALF_UP))));
        } else {
            measurement.withChild(leaf("statistic", e.statistic().yangName))
                    .withChild(leaf("delay", Uint64.valueOf(Math.max(0, e.delayNanos()))))
                    .withChild(leaf("delay-bound", Uint64.valueOf(e.delayBoundNanos())));
        }
        return ImmutableNodes.newContainerBuilder().withNodeIdentifier(id(name))
                .withChild(leaf("stamp-session-id", Uint32.valueOf(e.sessionId())))
                .withChild(leaf("metric", e.metric()))
                .withChild(measurement.build())
                .withChild(leaf("evaluation-interval", Uint32.valueOf(e.evaluationIntervalSeconds())))
                .build();
    }

    private void publish(ContainerNode notification) {
        NotificationXml x = xml;
        if (x == null || stream.subscribers() == 0) {
            return;
        }
        try {
            stream.publish(x.message(notification, Instant.now()));
        } catch (RuntimeException e) {
            LOG.warn("cannot send notification {}: {}", notification.name().getNodeType().getLocalName(), e.toString());
        }
    }
}
