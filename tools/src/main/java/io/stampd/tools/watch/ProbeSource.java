package io.stampd.tools.watch;

import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import io.stampd.tools.ProbeRun;

import java.util.ArrayList;
import java.util.List;

/**
 * A probe session running in this process ({@code stampd watch --probe -- <probe options>}): each
 * poll drains its new records; the latest delays come from the newest record seen, the loss from
 * the session's counters. A probe has no liveness verdict ("-").
 */
final class ProbeSource implements SessionSource {
    private final ProbeRun run;
    private DelayPoint newest;

    ProbeSource(ProbeRun run) {
        this.run = run;
    }

    @Override
    public String describe() {
        SenderSessionConfig c = run.config();
        return "probe to " + peer(c) + ", ssid " + c.ssid() + ", every " + c.intervalNanos() / 1000 + " us";
    }

    private static String peer(SenderSessionConfig c) {
        return "[" + Ipv6Addresses.format(c.reflectorAddress()) + "]:" + c.reflectorPort();
    }

    @Override
    public List<SessionSample> poll() {
        SenderStatistics stats = run.statistics();
        List<DelayPoint> points = new ArrayList<>();
        for (StampRecord r : stats.drainRecords()) {
            points.add(new DelayPoint(r.seq(), r.t1(), r.t4(), r.forwardNanos(), r.backwardNanos(),
                    r.roundTripNanos()));
        }
        if (!points.isEmpty()) {
            newest = points.getLast();
        }
        SenderStatistics.Snapshot s = stats.snapshot(System.nanoTime());
        SenderSessionConfig c = run.config();
        Double loss = s.sent() == 0 ? null : s.lossPercent();
        return List.of(new SessionSample(c.ssid(), peer(c), run.finished() ? "finished" : "active",
                newest == null ? null : newest.forwardNanos(), newest == null ? null : newest.backwardNanos(),
                newest == null ? null : newest.roundTripNanos(), loss, null, points));
    }

    @Override
    public void close() {
        run.close();
    }
}
