package io.stampd.netconf.engine;

import static io.stampd.netconf.engine.StampNames.id;
import static io.stampd.netconf.engine.StateTree.dateAndTime;
import static io.stampd.netconf.engine.StateTree.key;
import static io.stampd.netconf.engine.StateTree.leaf;
import static io.stampd.netconf.engine.StateTree.percent;
import static io.stampd.netconf.engine.StateTree.u64;

import io.stampd.dataplane.session.DelayStatistic;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.opendaylight.yangtools.yang.common.Decimal64;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.UserMapNode;
import org.opendaylight.yangtools.yang.data.api.schema.builder.DataContainerNodeBuilder;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;

/**
 * Closed measurement intervals as stampd-stamp.yang shows them: the history-stats list of a
 * sender session's state and the measurement-interval-closed notification. Both carry the same
 * figures: the sender-stats leaves an interval has (delays, their variation, the session's
 * percentiles of the delays, round-trip loss, packets sent and received) and the delay bins.
 */
final class IntervalState {
    private IntervalState() {
    }

    /** The history-stats list, oldest first; null when there is none. */
    static UserMapNode history(List<ClosedInterval> intervals, long packetIntervalNanos) {
        if (intervals.isEmpty()) {
            return null;
        }
        var list = ImmutableNodes.newUserMapBuilder().withNodeIdentifier(id("history-stats"));
        for (ClosedInterval c : intervals) {
            Uint32 number = Uint32.valueOf(c.number() & 0xFFFF_FFFFL);
            var entry = ImmutableNodes.newMapEntryBuilder()
                    .withNodeIdentifier(key("history-stats", "session-index", number))
                    .withChild(leaf("session-index", number));
            figures(entry, c, packetIntervalNanos);
            list.withChild(entry.build());
        }
        return list.build();
    }

    /** The measurement-interval-closed notification (without the packet interval, which is configuration). */
    static ContainerNode notification(ClosedInterval c) {
        var n = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("measurement-interval-closed"))
                .withChild(leaf("session-id", Uint32.valueOf(c.sessionId())))
                .withChild(leaf("interval-number", Uint32.valueOf(c.number() & 0xFFFF_FFFFL)));
        figures(n, c, 0);
        return n.build();
    }

    private static void figures(DataContainerNodeBuilder<?, ?> b, ClosedInterval c, long packetIntervalNanos) {
        b.withChild(leaf("start-time", dateAndTime(c.startUnixNanos())))
                .withChild(leaf("end-time", dateAndTime(c.endUnixNanos())));
        if (packetIntervalNanos > 0) {
            b.withChild(leaf("interval", Uint32.valueOf(Math.min(0xFFFF_FFFFL, packetIntervalNanos / 1000))));
        }
        delays(b, "two-way-delay", c.roundTrip(), c.roundTripVariation());
        delays(b, "one-way-delay-far-end", c.forward(), c.forwardVariation());
        delays(b, "one-way-delay-near-end", c.backward(), c.backwardVariation());
        if (c.roundTrip().count() > 0) {
            String[] names = {"low-percentile", "mid-percentile", "high-percentile"};
            for (int i = 0; i < names.length && i < c.percentiles().length; i++) {
                b.withChild(percentile(names[i], i, c));
            }
        }
        var loss = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("two-way-loss"))
                .withChild(leaf("loss-count", u64(c.lost())));
        if (c.known() > 0) {
            loss.withChild(leaf("loss-ratio", percent(c.lossPercent())));
        }
        b.withChild(loss.build())
                .withChild(leaf("stamp-session-id", Uint32.valueOf(c.sessionId())))
                .withChild(leaf("sent-packets", u64(c.sent())))
                .withChild(leaf("rcv-packets", u64(c.received())))
                .withChild(bins(c));
    }

    private static void delays(DataContainerNodeBuilder<?, ?> b, String name, DelayStatistic.Summary delay,
                               ClosedInterval.Spread variation) {
        if (delay.count() == 0) {
            return;
        }
        var c = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id(name))
                .withChild(minMaxAvg("delay", delay.min(), delay.max(), delay.mean()));
        if (variation.count() > 0) {
            c.withChild(minMaxAvg("delay-variation", variation.min(), variation.max(), variation.mean()));
        }
        b.withChild(c.build());
    }

    private static ContainerNode minMaxAvg(String name, long min, long max, long avg) {
        return ImmutableNodes.newContainerBuilder().withNodeIdentifier(id(name))
                .withChild(leaf("min", u64(min)))
                .withChild(leaf("max", u64(max)))
                .withChild(leaf("avg", u64(avg)))
                .build();
    }

    private static ContainerNode percentile(String name, int i, ClosedInterval c) {
        return ImmutableNodes.newContainerBuilder().withNodeIdentifier(id(name))
                .withChild(leaf("percentile", Decimal64.valueOf(BigDecimal.valueOf(c.percentiles()[i])
                        .setScale(2, RoundingMode.HALF_UP))))
                .withChild(ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("delay-percentile"))
                        .withChild(leaf("rtt-delay", u64(c.roundTrip().percentiles()[i])))
                        .withChild(leaf("near-end-delay", u64(c.backward().percentiles()[i])))
                        .withChild(leaf("far-end-delay", u64(c.forward().percentiles()[i])))
                        .build())
                .build();
    }

    private static UserMapNode bins(ClosedInterval c) {
        var list = ImmutableNodes.newUserMapBuilder().withNodeIdentifier(id("bin"));
        long[] edges = c.binEdgesNanos();
        for (int i = 0; i < edges.length; i++) {
            Uint32 lower = Uint32.valueOf(edges[i] / 1000);
            list.withChild(ImmutableNodes.newMapEntryBuilder()
                    .withNodeIdentifier(key("bin", "lower-bound", lower))
                    .withChild(leaf("lower-bound", lower))
                    .withChild(leaf("two-way-delay-count", u64(c.bins()[DelayBins.TWO_WAY][i])))
                    .withChild(leaf("one-way-delay-far-end-count", u64(c.bins()[DelayBins.FAR_END][i])))
                    .withChild(leaf("one-way-delay-near-end-count", u64(c.bins()[DelayBins.NEAR_END][i])))
                    .build());
        }
        return list.build();
    }
}
