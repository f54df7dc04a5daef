package io.stampd.netconf.engine;

import static io.stampd.netconf.engine.StampNames.id;
import static io.stampd.netconf.engine.StateTree.leaf;

import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import org.opendaylight.yangtools.yang.common.Decimal64;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.Uint64;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's events as stampd-stamp.yang's notifications (session-state-change,
 * threshold-crossed, threshold-cleared, session-liveness-change) on the NETCONF stream. Every
 * event is also logged.
 */
final class EngineNotifications implements SessionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(EngineNotifications.class);

    /** Transitions of one batch logged one line each; above, one line per kind (see stateChanged(List)). */
    static final int LOGGED_ONE_BY_ONE = 20;

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
        stateChanged(List.of(new StateChange(role, sessionId, previous, next, reason)));
    }

    /**
     * A notification for every transition; in the log, each one only for a batch of at most
     * {@link #LOGGED_ONE_BY_ONE} (and every failure), else one line per kind of transition with
     * how many sessions made it: a commit of ten thousand sessions would write ten thousand lines.
     * Each one is still logged at DEBUG.
     */
    @Override
    public void stateChanged(List<StateChange> changes) {
        ChangeLog log = new ChangeLog(LOG, changes.size(), LOGGED_ONE_BY_ONE);
        for (StateChange c : changes) {
            log.change(c.sessionId(), describe(c), c.role().yangName + " sessions: " + (c.previous() == null ? "(new)"
                    : c.previous().yangName) + " -> " + c.next().yangName, c.next() == SessionState.FAILED);
            publish(notification(c));
        }
        log.summarise();
    }

    private static String describe(StateChange c) {
        return c.role().yangName + " session " + c.sessionId() + ": " + (c.previous() == null ? "(new)"
                : c.previous().yangName) + " -> " + c.next().yangName + (c.reason() == null ? "" : " (" + c.reason()
                + ")");
    }

    private static ContainerNode notification(StateChange c) {
        var n = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("session-state-change"))
                .withChild(leaf("role", c.role().yangName))
                .withChild(leaf("session-id", Uint32.valueOf(c.sessionId())));
        if (c.previous() != null) {
            n.withChild(leaf("previous-state", c.previous().yangName));
        }
        n.withChild(leaf("new-state", c.next().yangName));
        if (c.reason() != null) {
            n.withChild(leaf("reason", c.reason()));
        }
        return n.build();
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

    @Override
    public void livenessChanged(LivenessChange c) {
        livenessChanged(List.of(c));
    }

    /** As {@link #stateChanged(List)}: one log line each up to {@link #LOGGED_ONE_BY_ONE}, else one per kind. */
    @Override
    public void livenessChanged(List<LivenessChange> changes) {
        ChangeLog log = new ChangeLog(LOG, changes.size(), LOGGED_ONE_BY_ONE);
        for (LivenessChange c : changes) {
            log.change(c.sessionId(), "sender session " + c.sessionId() + ": liveness " + c.previous().yangName
                    + " -> " + c.now().state().yangName + " (" + c.reason() + ")", "sender sessions: liveness "
                    + c.previous().yangName + " -> " + c.now().state().yangName, false);
            publish(liveness(c));
        }
        log.summarise();
    }

    private static ContainerNode liveness(LivenessChange c) {
        var n = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("session-liveness-change"))
                .withChild(leaf("session-id", Uint32.valueOf(c.sessionId())))
                .withChild(leaf("liveness", c.now().state().yangName))
                .withChild(leaf("previous-liveness", c.previous().yangName));
        var run = ImmutableNodes.newChoiceBuilder().withNodeIdentifier(id("run"));
        switch (c.now().state()) {
            case DOWN -> n.withChild(run.withChild(leaf("consecutive-lost", Uint64.valueOf(c.now().consecutiveLost())))
                    .build());
            case UP -> n.withChild(run.withChild(leaf("consecutive-received",
                    Uint64.valueOf(c.now().consecutiveReceived()))).build());
            case PENDING -> {
            }
        }
        return n.withChild(leaf("reason", c.reason())).build();
    }

    /**
     * measurement-interval-closed, at DEBUG in the log only: ten thousand sessions close one
     * each per interval.
     */
    @Override
    public void intervalClosed(ClosedInterval interval) {
        LOG.debug("sender session {}: measurement interval {} closed ({} sent, {} received, {} lost)",
                interval.sessionId(), interval.number(), interval.sent(), interval.received(), interval.lost());
        if (xml != null && stream.subscribers() > 0) {
            publish(IntervalState.notification(interval));
        }
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
        var n = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id(name))
                .withChild(leaf("stamp-session-id", Uint32.valueOf(e.sessionId())))
                .withChild(leaf("metric", e.metric()))
                .withChild(measurement.build())
                .withChild(leaf("evaluation-interval", Uint32.valueOf(e.evaluationIntervalSeconds())))
                .withChild(leaf("kind", e.kind().yangName));
        if (e.intervalNumber() >= 0) {
            n.withChild(leaf("interval-number", Uint32.valueOf(e.intervalNumber() & 0xFFFF_FFFFL)));
        }
        return n.build();
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
